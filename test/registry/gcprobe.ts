/**
 * Run by gc.test.ts as `node --expose-gc --import tsx test/registry/gcprobe.ts` (not a tap file):
 * starts PROBE_LOOKUPS tag lookups against a fake registry that accepts connections and never
 * answers (registries.hosts[].maxConcurrency 8, so most of them wait in the host's queue), and as
 * many Kubernetes API reads against a fake API server that never answers, with callers that
 * never give up. While they wait it forces a garbage collection every 200 ms. Prints one JSON
 * line: per kind, how many settled, their error codes, and the fastest and slowest in ms. A watchdog prints
 * what settled so far when a lookup never ends (the deadline was collected before it fired).
 */
import { createRegistryPinner } from '../../src/registry/index.js';
import { createKubeClient } from '../../src/kube/internal.js';
import { isImagegateError } from '../../src/errors/index.js';
import { Agent } from 'undici';
import { fakeAgent, fakeCerts, startFake } from './fakes.js';
import { longSignal, ref, registriesConfig } from './helpers.js';

const LOOKUPS = Number(process.env.PROBE_LOOKUPS ?? '200');
const TIMEOUT_MS = Number(process.env.PROBE_TIMEOUT_MS ?? '1000');
const WATCHDOG_MS = Number(process.env.PROBE_WATCHDOG_MS ?? '15000');

const gc: unknown = Reflect.get(globalThis, 'gc');
if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
const collect = (): void => void Reflect.apply(gc, undefined, []);

interface Tally {
  settled: number;
  codes: Record<string, number>;
  minMs: number;
  maxMs: number;
}

const tally = (): Tally => ({ settled: 0, codes: {}, minMs: 0, maxMs: 0 });
const results = { registry: tally(), kube: tally() };

function record(t: Tally, started: number, code: string): void {
  t.settled++;
  t.codes[code] = (t.codes[code] ?? 0) + 1;
  const ms = Math.round(performance.now() - started);
  t.minMs = t.settled === 1 ? ms : Math.min(t.minMs, ms);
  t.maxMs = Math.max(t.maxMs, ms);
}

const silent = await startFake(() => undefined);
const agent = fakeAgent();
const pinner = createRegistryPinner({
  registries: registriesConfig({ hosts: [{ host: silent.host, timeoutMs: TIMEOUT_MS, maxConcurrency: 8 }] }),
  dispatcher: agent,
});
const kube = createKubeClient({
  apiServer: `https://${silent.host}`,
  tokenFile: '/token',
  tokenFs: { stat: () => Promise.resolve({ mtimeMs: 1, size: 5, ino: 1 }), readFile: () => Promise.resolve('token') },
  // As createKubeClient's own pool: 4 connections, the other reads wait in undici's queue.
  dispatcher: new Agent({ connections: 4, connect: { ca: fakeCerts().caCertPem } }),
  cacheTtlMs: 0,
  timeoutMs: TIMEOUT_MS,
});

const started = performance.now();
const work: Promise<void>[] = [];
for (let i = 0; i < LOOKUPS; i++) {
  work.push(
    pinner.resolver.resolve({ ref: ref(`${silent.host}/team/app${i}:1`), signal: longSignal() }).then((r) => {
      record(results.registry, started, r.ok ? 'resolved' : r.error.code);
    }),
    kube.getSecret({ namespace: 'team', name: `secret-${i}`, signal: longSignal() }).then(
      () => record(results.kube, started, 'read'),
      (err: unknown) => record(results.kube, started, isImagegateError(err) ? err.code : 'other'),
    ),
  );
}
const collector = setInterval(collect, 200);
collect();

const finished = await Promise.race([
  Promise.all(work).then(() => true),
  new Promise<false>((r) => setTimeout(() => r(false), WATCHDOG_MS)),
]);
clearInterval(collector);
process.stdout.write(`${JSON.stringify({ finished, lookups: LOOKUPS, timeoutMs: TIMEOUT_MS, ...results })}\n`);
// Lookups that never ended keep sockets open: do not wait for them.
process.exit(0);
