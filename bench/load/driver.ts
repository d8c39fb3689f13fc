/**
 * The load driver: a child process of bench/load.bench.ts, so that the client's CPU is never
 * counted as the server's and the server's event loop never waits on the client's. It holds one
 * undici keep-alive pool per target and runs one job at a time on command (protocol.ts):
 *  - closed: `concurrency` requests always in flight for `durationMs`; reports how many finished.
 *  - open: requests sent at a fixed rate whatever the answers do (open loop), each latency timed
 *    from its scheduled send time, so a server that falls behind shows its queueing delay
 *    instead of slowing the client down (no coordinated omission).
 *  - single: one request, timed.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { isCommand, render, type Command, type Job, type JobResult, type Reply, type Target } from './protocol.js';

/** Connections per target: more than any run keeps in flight, so no request waits for a socket. */
const CONNECTIONS = 64;

interface Client {
  readonly pool: Pool;
  readonly headers: Readonly<Record<string, string>>;
}

interface Answer {
  readonly status: number;
  readonly allowed: boolean;
  readonly text: string;
}

const clients = new Map<string, Client>();
let uidSeq = 0;

function send(reply: Reply): void {
  process.send?.(reply);
}

function clientOf(name: string): Client {
  const client = clients.get(name);
  if (client === undefined) throw new Error(`unknown target ${JSON.stringify(name)}`);
  return client;
}

/** A uid shaped like the API server's (a UUID), different for every request of the run. */
function nextUid(): string {
  uidSeq++;
  return `00000000-0000-4000-8000-${uidSeq.toString(16).padStart(12, '0')}`;
}

async function call(client: Client, method: 'POST' | 'HEAD', path: string, body?: string): Promise<Answer> {
  const res = await client.pool.request({
    method,
    path,
    headers: body === undefined ? client.headers : { ...client.headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, allowed: res.statusCode === 200 && text.includes('"allowed":true'), text };
}

class Counter {
  sent = 0;
  allowed = 0;
  readonly statuses: Record<string, number> = {};

  add(a: Answer | Error): void {
    const key = a instanceof Error ? `error: ${a.message.slice(0, 80)}` : String(a.status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    if (!(a instanceof Error) && a.allowed) this.allowed++;
  }
}

function settle(p: Promise<Answer>): Promise<Answer | Error> {
  return p.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

async function closedLoop(job: Extract<Job, { kind: 'closed' }>): Promise<JobResult> {
  const client = clientOf(job.target);
  const counter = new Counter();
  const started = performance.now();
  const end = started + job.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const n = job.first + counter.sent++;
      counter.add(await settle(call(client, 'POST', job.path, render(job.spec, n, nextUid()))));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const { sent, allowed, statuses } = counter;
  return { kind: 'closed', elapsedMs: performance.now() - started, sent, allowed, statuses };
}

async function openLoop(job: Extract<Job, { kind: 'open' }>): Promise<JobResult> {
  const client = clientOf(job.target);
  const counter = new Counter();
  const total = Math.round((job.ratePerSecond * job.durationMs) / 1000);
  const intervalMs = 1000 / job.ratePerSecond;
  const latenciesMs: number[] = [];
  const lags: number[] = [];
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 5;
  await new Promise<void>((done) => {
    const tick = (): void => {
      const now = performance.now();
      while (counter.sent < total && start + counter.sent * intervalMs <= now) {
        const due = start + counter.sent * intervalMs;
        lags.push(now - due);
        const body = render(job.spec, job.first + counter.sent, nextUid());
        counter.sent++;
        inFlight.push(
          settle(call(client, 'POST', job.path, body)).then((a) => {
            latenciesMs.push(performance.now() - due);
            counter.add(a);
          }),
        );
      }
      if (counter.sent < total) setTimeout(tick, Math.max(0, start + counter.sent * intervalMs - performance.now()));
      else done();
    };
    tick();
  });
  await Promise.all(inFlight);
  lags.sort((a, b) => a - b);
  const sendLagP99Ms = lags[Math.floor(lags.length * 0.99)] ?? Number.NaN;
  const { sent, allowed, statuses } = counter;
  return { kind: 'open', latenciesMs, sendLagP99Ms, sent, allowed, statuses };
}

async function single(job: Extract<Job, { kind: 'single' }>): Promise<JobResult> {
  const client = clientOf(job.target);
  const t0 = performance.now();
  const a = await call(client, job.method, job.path, job.body);
  return { kind: 'single', status: a.status, ms: performance.now() - t0, text: a.text };
}

function run(job: Job): Promise<JobResult> {
  switch (job.kind) {
    case 'closed':
      return closedLoop(job);
    case 'open':
      return openLoop(job);
    case 'single':
      return single(job);
    default:
      return job satisfies never;
  }
}

function init(targets: Readonly<Record<string, Target>>): void {
  for (const [name, t] of Object.entries(targets)) {
    const pool = new Pool(t.origin, {
      connections: CONNECTIONS,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      connect: { ca: t.ca, servername: 'localhost' },
    });
    clients.set(name, { pool, headers: t.headers });
  }
}

async function handle(cmd: Command): Promise<void> {
  switch (cmd.type) {
    case 'init':
      init(cmd.targets);
      send({ type: 'ready' });
      return;
    case 'run':
      try {
        send({ type: 'done', id: cmd.id, result: await run(cmd.job) });
      } catch (err) {
        send({ type: 'failed', id: cmd.id, message: err instanceof Error ? err.message : String(err) });
      }
      return;
    case 'exit':
      await Promise.all([...clients.values()].map((c) => c.pool.close()));
      process.disconnect();
      return;
    default:
      return cmd satisfies never;
  }
}

if (process.send === undefined) throw new Error('bench/load/driver.ts runs only as a child of bench/load.bench.ts');
process.on('message', (msg: unknown) => {
  if (isCommand(msg)) void handle(msg);
});
