import { spawn } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import t from 'tap';
import { Agent, request } from 'undici';
import { stringify as yaml } from 'yaml';
import { buildBundle } from '../../src/policy/index.js';
import { repoRoot } from '../fixtures/shared.js';
import { podCase, review } from '../fixtures/reviews.js';

/** Every review of a `slow/` image does ~1.2M iterations of work, so reviews are in flight at any moment. */
const SLOW_POLICY = `package imagegate

slow if {
	some img in input.images
	startswith(img.image, "slow/")
}

work := count([1 | some i in numbers.range(1, 4000); some j in numbers.range(1, 300)]) if slow

else := 0

decision := {"violations": [], "warnings": [sprintf("work %d", [work])]}
`;

const DRAIN_MS = 3_000;
/**
 * A review sent this close to the end of the drain may reach the server after it stopped
 * accepting (each review opens a new connection during the drain, and the server's clock
 * started when the signal arrived): refusing it then is allowed, never before.
 */
const STOP_MARGIN_MS = 250;

interface Sent {
  readonly at: number;
  readonly doneAt: number;
  /**
   * 'answered': an AdmissionReview came back; after the drain only, 'closing': refused at once
   * with 503 IMAGEGATE_SERVER_CLOSING before being read, 'undelivered': the connection failed
   * before the request was written (refused, or reset in the handshake as the server closed its
   * listening socket). 'dropped': anything else (a connection cut after the request was
   * written, an error answer).
   */
  readonly result: 'answered' | 'closing' | 'undelivered' | 'dropped';
  readonly detail: string;
}

t.test(
  'SIGTERM under load: /readyz fails first, reviews keep being answered through the drain, none in flight is dropped, exit 0',
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'imagegate-shutdown-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await writeFile(
      join(dir, 'bundle.tar.gz'),
      await buildBundle({ sources: [{ file: 'slow.rego', text: SLOW_POLICY }], revision: 'slow-1' }),
    );
    await writeFile(
      join(dir, 'imagegate.yaml'),
      yaml({
        server: { host: '127.0.0.1', port: 0, drainMs: DRAIN_MS, tls: { generatedDir: join(dir, 'certs') } },
        policy: { bundle: join(dir, 'bundle.tar.gz'), evaluators: 2, verdictCache: { maxEntries: 0 } },
      }),
    );
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'serve', '--config', join(dir, 'imagegate.yaml')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const events: Record<string, unknown>[] = [];
    /** Cleared when the server logs that it stops accepting. */
    let lateSending = true;
    const started = new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const event: unknown = JSON.parse(line);
        if (typeof event !== 'object' || event === null) return;
        events.push({ ...event, seenAt: performance.now() });
        if ('event' in event && event.event === 'server.stopping') lateSending = false;
        if ('event' in event && event.event === 'server.started' && 'port' in event && typeof event.port === 'number')
          resolve(event.port);
      });
      child.on('exit', (code) => reject(new Error(`imagegate serve exited (${String(code)}) before listening`)));
    });
    const port = await started;
    const ca = await readFile(join(dir, 'certs', 'ca.crt'), 'utf8');
    const agent = new Agent({ connect: { ca, servername: 'localhost' }, connections: 16 });
    t.teardown(() => agent.close());
    const url = `https://127.0.0.1:${port}`;

    // Load: 6 clients sending slow reviews back to back until the endpoints would have removed the pod.
    const sent: Sent[] = [];
    /** Reviews whose request headers undici wrote to a connection. */
    const written = new Set<string>();
    subscribe('undici:client:sendHeaders', (message) => {
      const headers = typeof message === 'object' && message !== null && 'headers' in message ? message.headers : '';
      const id = /x-review-uid: (\S+)/.exec(String(headers))?.[1];
      if (id !== undefined) written.add(id);
    });
    let sending = true;
    let uid = 0;
    const client = async (late: boolean): Promise<void> => {
      while (late ? lateSending : sending) {
        const at = performance.now();
        const id = `u-${uid++}`;
        const image = `slow/app@sha256:${'a'.repeat(64)}`;
        const object = podCase.wrap({ containers: [{ name: 'app', image }] });
        try {
          const res = await request(`${url}/validate`, {
            method: 'POST',
            dispatcher: agent,
            headers: { 'content-type': 'application/json', 'x-review-uid': id },
            body: JSON.stringify(review(podCase, { uid: id, object })),
          });
          const text = await res.body.text();
          const ok = res.statusCode === 200 && text.includes('"allowed":true') && text.includes('work 1200000');
          const closing = res.statusCode === 503 && text.includes('IMAGEGATE_SERVER_CLOSING');
          const result = ok ? 'answered' : closing ? 'closing' : 'dropped';
          sent.push({ at, doneAt: performance.now(), result, detail: `${res.statusCode} ${text.slice(0, 300)}` });
        } catch (err) {
          const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
          const result = written.has(id) ? 'dropped' : 'undelivered';
          sent.push({ at, doneAt: performance.now(), result, detail: code });
        }
      }
    };
    const readyz: { at: number; status: number; body: string }[] = [];
    const poll = { on: true };
    const poller = (async () => {
      while (poll.on) {
        const at = performance.now();
        try {
          const res = await request(`${url}/readyz`, { dispatcher: agent });
          readyz.push({ at, status: res.statusCode, body: await res.body.text() });
        } catch {
          readyz.push({ at, status: 0, body: 'no connection' });
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // Four clients stop when the endpoints controller would have removed the pod; four keep
    // sending until the server stops accepting, so reviews are in flight when it does.
    const clients = [false, false, false, false, true, true, true, true].map((late) => client(late));
    while (sent.filter((s) => s.result === 'answered').length < 12) await new Promise((r) => setTimeout(r, 20));

    const signalledAt = performance.now();
    child.kill('SIGTERM');
    // The endpoints controller stops routing new reviews here some time into the drain period.
    await new Promise((r) => setTimeout(r, DRAIN_MS * 0.6));
    sending = false;
    await Promise.all(clients);
    const code = await exited;
    poll.on = false;
    await poller;

    t.equal(code, 0, 'exit code 0');
    const drainEnd = signalledAt + DRAIN_MS;
    t.same(
      sent.filter((s) => s.result === 'dropped' || (s.result !== 'answered' && s.at < drainEnd - STOP_MARGIN_MS)),
      [],
      `none of ${sent.length} reviews dropped; all ${sent.filter((s) => s.at > signalledAt && s.at < drainEnd).length} sent during the drain answered`,
    );
    // The server counts the reviews in flight as it stops accepting; none of them was dropped (above).
    const inFlight = events.find((e) => e.event === 'server.stopping')?.inFlight;
    t.ok(
      typeof inFlight === 'number' && inFlight > 0,
      `${String(inFlight)} reviews in flight when the server stopped accepting, all answered`,
    );
    t.ok(
      sent.some((s) => s.at > signalledAt + DRAIN_MS * 0.3),
      'reviews sent well into the drain period were answered',
    );
    const during = readyz.filter((r) => r.at > signalledAt + 200 && r.status !== 0);
    t.ok(during.length > 0 && during.every((r) => r.status === 503), '/readyz answers 503 throughout the drain');
    t.match(during[0]?.body ?? '', /"status":"not ready".*shutting down/);
    t.ok(
      readyz.some((r) => r.at < signalledAt && r.status === 200 && r.body.includes('"revision":"slow-1"')),
      'ready before',
    );
    const stopping = events.find((e) => e.event === 'server.stopping');
    t.ok(stopping !== undefined && events.some((e) => e.event === 'server.stopped'), 'logged stopping and stopped');
    const draining = events.find((e) => e.event === 'server.draining');
    t.ok(draining !== undefined, 'logged the drain');
  },
);
