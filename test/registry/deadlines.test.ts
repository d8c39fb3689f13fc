import t, { type Test } from 'tap';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { createRegistryPinner } from '../../src/registry/index.js';
import type { RegistryPinner, ResolveResult } from '../../src/registry/internal.js';
import { createKubeClient } from '../../src/kube/internal.js';
import { fakeAgent, fakeCerts, goodImage, serveManifest, startFake, type Fake } from './fakes.js';
import { longSignal, ref, registriesConfig } from './helpers.js';

const agent = fakeAgent();
t.teardown(() => agent.close());

const TIMEOUT_MS = 1_000;
/** Generous on a loaded 2-core box; the bug this guards against overran by seconds or forever. */
const SLACK_MS = 3_000;

function pinner(t: Test, hosts: Record<string, unknown>[]): RegistryPinner {
  // failureTtlMs stays at its default (5 s): a cached timeout would answer the second lookup.
  const p = createRegistryPinner({ registries: registriesConfig({ hosts }), dispatcher: agent, random: () => 0.5 });
  t.teardown(() => p.close());
  return p;
}

async function fake(t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Fake> {
  const f = await startFake(handler);
  t.teardown(() => f.close());
  return f;
}

function errorOf(r: ResolveResult): { code: string; message: string } {
  if (r.ok) throw new Error(`expected a failure, got ${r.resolution.digest}`);
  return { code: r.error.code, message: r.error.message };
}

t.test(
  'a lookup waiting in the host queue (maxConcurrency 1) past its deadline is TIMEOUT, and the next lookup tries again',
  async (t) => {
    let healthy = false;
    let slow: Promise<ResolveResult> | undefined;
    const f = await fake(t, (req, res) => {
      if (healthy) return serveManifest(res, req, goodImage);
      if (req.url?.includes('/team/slow/') === true) return; // holds the only slot until its own deadline
      if (slow === undefined) {
        // While app's first GET holds the slot, a lookup that never gets an answer queues behind it;
        // the 503 then sends app into a retry back-off, and its retry queues behind that lookup.
        slow = p.resolver.resolve({ ref: ref(`${f.host}/team/slow:1`), signal: longSignal() });
        setTimeout(() => res.writeHead(503).end(), 50);
        return;
      }
      res.writeHead(500).end();
    });
    // Declared after the fake because it needs its host; the fake sees no request before `p` is used.
    const p = pinner(t, [{ host: f.host, maxConcurrency: 1, timeoutMs: TIMEOUT_MS }]);
    const image = ref(`${f.host}/team/app:1`);

    const started = performance.now();
    const first = await p.resolver.resolve({ ref: image, signal: longSignal() });
    const elapsed = performance.now() - started;
    const err = errorOf(first);
    t.equal(err.code, 'IMAGEGATE_REGISTRY_TIMEOUT');
    t.match(
      err.message,
      `registry ${f.host}: no free request slot (registries.hosts[].maxConcurrency = 1) within the deadline (at most registries.hosts[].timeoutMs = ${TIMEOUT_MS} ms)`,
    );
    t.ok(
      elapsed >= TIMEOUT_MS - 50 && elapsed < TIMEOUT_MS + SLACK_MS,
      `ended at its deadline (${Math.round(elapsed)} ms)`,
    );
    t.same(
      f.requests.filter((r) => r.url.includes('/team/app/')).map((r) => r.method),
      ['GET'],
      'the retry never got a slot',
    );

    if (slow === undefined) throw new Error('the slow lookup never started');
    t.equal(
      errorOf(await slow).code,
      'IMAGEGATE_REGISTRY_TIMEOUT',
      'the lookup holding the slot ended at its own deadline too',
    );

    healthy = true;
    const again = await p.resolver.resolve({ ref: image, signal: longSignal() });
    t.ok(again.ok && !again.cached, 'resolved afresh: the timeout was not remembered as a failure of the image');
    t.equal(again.ok ? again.resolution.digest : undefined, goodImage.manifest.digest);
  },
);

t.test('a lookup queued behind a silent one ends at the review deadline as TIMEOUT, not cached', async (t) => {
  let healthy = false;
  const f = await fake(t, (req, res) => {
    if (healthy || !(req.url?.includes('/team/slow/') ?? false)) serveManifest(res, req, goodImage);
  });
  const p = pinner(t, [{ host: f.host, maxConcurrency: 1, timeoutMs: 60_000 }]);
  const holder = new AbortController();
  const slow = p.resolver.resolve({ ref: ref(`${f.host}/team/slow:1`), signal: holder.signal });
  const image = ref(`${f.host}/team/app:1`);
  const started = performance.now();
  const queued = await p.resolver.resolve({ ref: image, signal: AbortSignal.timeout(300) });
  const elapsed = performance.now() - started;
  const err = errorOf(queued);
  t.equal(err.code, 'IMAGEGATE_REGISTRY_TIMEOUT');
  t.match(err.message, /no answer within the review deadline/);
  t.ok(elapsed >= 250 && elapsed < 300 + SLACK_MS, `ended at the review deadline (${Math.round(elapsed)} ms)`);
  t.equal(f.requests.filter((r) => r.url.includes('/team/app/')).length, 0, 'it never got the slot');

  holder.abort();
  t.equal(errorOf(await slow).code, 'IMAGEGATE_REGISTRY_TIMEOUT');
  healthy = true;
  const again = await p.resolver.resolve({ ref: image, signal: longSignal() });
  t.ok(again.ok && !again.cached, 'resolved afresh once the slot was free');
});

t.test('failures the registry states are remembered for failureTtlMs; timeouts are not', async (t) => {
  let answer: 'missing' | 'silent' | 'healthy' = 'missing';
  const f = await fake(t, (req, res) => {
    if (answer === 'missing') return void res.writeHead(404).end();
    if (answer === 'healthy') serveManifest(res, req, goodImage);
  });
  const p = pinner(t, [{ host: f.host, timeoutMs: 300 }]);
  const notFound = ref(`${f.host}/team/gone:1`);
  t.equal(
    errorOf(await p.resolver.resolve({ ref: notFound, signal: longSignal() })).code,
    'IMAGEGATE_REGISTRY_NOT_FOUND',
  );
  answer = 'healthy';
  const remembered = await p.resolver.resolve({ ref: notFound, signal: longSignal() });
  t.ok(
    !remembered.ok && remembered.error.code === 'IMAGEGATE_REGISTRY_NOT_FOUND',
    'a 404 is served from the failure cache within failureTtlMs',
  );

  answer = 'silent';
  const slowImage = ref(`${f.host}/team/slow:1`);
  t.equal(
    errorOf(await p.resolver.resolve({ ref: slowImage, signal: longSignal() })).code,
    'IMAGEGATE_REGISTRY_TIMEOUT',
  );
  answer = 'healthy';
  const retried = await p.resolver.resolve({ ref: slowImage, signal: longSignal() });
  t.ok(retried.ok && !retried.cached, 'after a per-host timeout the next lookup asks the registry again');
});

t.test(
  'API reads queued in a one-connection pool behind a silent API server end at pullSecrets.timeoutMs; timeouts are not cached',
  async (t) => {
    let healthy = false;
    const api = await fake(t, (req, res) => {
      if (healthy) res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404}');
    });
    const pool = new Agent({ connections: 1, connect: { ca: fakeCerts().caCertPem } });
    t.teardown(() => pool.close());
    const kube = createKubeClient({
      apiServer: `https://${api.host}`,
      tokenFile: '/token',
      tokenFs: {
        stat: () => Promise.resolve({ mtimeMs: 1, size: 5, ino: 1 }),
        readFile: () => Promise.resolve('token'),
      },
      dispatcher: pool,
      cacheTtlMs: 60_000,
      timeoutMs: 500,
    });
    const read = async (name: string, signal: AbortSignal): Promise<{ code: string; message: string; ms: number }> => {
      const started = performance.now();
      try {
        await kube.getSecret({ namespace: 'team', name, signal });
        throw new Error('expected a failure');
      } catch (err) {
        if (!(err instanceof Error) || !('code' in err) || typeof err.code !== 'string') throw err;
        return { code: err.code, message: err.message, ms: performance.now() - started };
      }
    };
    const [first, queued] = await Promise.all([read('first', longSignal()), read('queued', longSignal())]);
    for (const r of [first, queued]) {
      t.equal(r.code, 'IMAGEGATE_KUBE_TIMEOUT');
      t.match(r.message, /no answer within 500 ms \(registries\.pullSecrets\.timeoutMs\)/);
      t.ok(r.ms >= 450 && r.ms < 500 + SLACK_MS, `ended at its deadline (${Math.round(r.ms)} ms)`);
    }
    const review = await read('review', AbortSignal.timeout(200));
    t.equal(review.code, 'IMAGEGATE_KUBE_TIMEOUT');
    t.match(review.message, /reading secret team\/review: the review deadline passed/);

    healthy = true;
    const after = await read('queued', longSignal());
    t.equal(after.code, 'IMAGEGATE_KUBE_NOT_FOUND', 'asked again: the timeout was not cached');
  },
);
