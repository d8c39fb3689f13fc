/**
 * The webhook's own overhead per review through fastify inject(): parsing, extraction, reference
 * parsing, response. Baseline: /healthz (routing and serialisation only). Then the longest the
 * event loop is held by one ~7 MB review with 432k keys: parsed inline (baseline, as before
 * server.parseInWorkerAboveBytes) against the parser thread.
 */
import { performance } from 'node:perf_hooks';
import { createMetrics } from '../src/server/index.js';
import { buildApp } from '../src/server/internal.js';
import { defaultConfig } from '../src/config/index.js';
import { validateConfig } from '../src/config/internal.js';
import { paddedReview } from '../test/fixtures/reviews.js';
import { createLogger } from '../src/log/index.js';
import type { Decider } from '../src/admission/index.js';
import { measure, report, type Sample } from './harness.js';

const decider: Decider = { decide: () => Promise.resolve({ kind: 'allow', warnings: [] }) };
const app = buildApp({
  config: defaultConfig,
  logger: createLogger({ level: 'silent' }),
  decider,
  metrics: createMetrics(),
});
await app.ready();

function pod(containers: number): string {
  const spec = {
    containers: Array.from({ length: containers }, (_, i) => ({
      name: `c${i}`,
      image: `registry.example.com/team/app${i}:1.${i}`,
    })),
  };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      operation: 'CREATE',
      namespace: 'ns',
      object: { metadata: { name: 'p' }, spec },
    },
  });
}
const inject = (url: string, body?: string) => () =>
  app.inject(
    body === undefined
      ? { method: 'GET', url }
      : { method: 'POST', url, payload: body, headers: { 'content-type': 'application/json' } },
  );

report('admission review overhead (inject, no network)', [
  await measure('GET /healthz (baseline)', inject('/healthz'), { runs: 500 }),
  await measure('POST /validate, 1 container', inject('/validate', pod(1)), { runs: 500 }),
  await measure('POST /validate, 10 containers', inject('/validate', pod(10)), { runs: 500 }),
  await measure('POST /validate, 1000 containers', inject('/validate', pod(1000)), { runs: 50 }),
  await measure('POST /mutate, 10 containers', inject('/mutate', pod(10)), { runs: 500 }),
  await measure('rejected: 10k levels of nesting', inject('/validate', `${'['.repeat(10_000)}${']'.repeat(10_000)}`), {
    runs: 200,
  }),
  await measure(
    'rejected: 7 MiB body with a duplicate key at the end',
    inject('/validate', `{"pad":"${'x'.repeat(7 * 1024 * 1024 - 64)}","a":1,"a":2}`),
    { runs: 10 },
  ),
]);
await app.close();

/** Longest gap between ticks of a 1 ms timer while `fn` runs: how long the event loop was held. */
async function longestStall(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await fn();
  clearInterval(timer);
  return Math.max(longest, performance.now() - last);
}

async function stallSample(name: string, parseInWorkerAboveBytes: number, body: string, runs: number): Promise<Sample> {
  const config = validateConfig({ value: { server: { parseInWorkerAboveBytes } }, source: 'bench' });
  const big = buildApp({ config, logger: createLogger({ level: 'silent' }), decider, metrics: createMetrics() });
  await big.ready();
  const post = () =>
    big.inject({ method: 'POST', url: '/validate', payload: body, headers: { 'content-type': 'application/json' } });
  await post();
  const stalls: number[] = [];
  for (let i = 0; i < runs; i++) stalls.push(await longestStall(post));
  await big.close();
  stalls.sort((a, b) => a - b);
  return {
    name,
    runs,
    medianMs: stalls[Math.floor(runs / 2)] ?? Number.NaN,
    p95Ms: stalls[Math.min(runs - 1, Math.floor(runs * 0.95))] ?? Number.NaN,
  };
}

// Adversarial case 1's budget: no request holds the event loop more than 50 ms.
const heavy = paddedReview({ bytes: 7_100_000, keys: 432_000 });
report(
  `longest event-loop stall during one ${(heavy.length / 1e6).toFixed(1)} MB review with 432k keys (ms held, not total time)`,
  [
    await stallSample('parsed inline (baseline: before the parser thread)', 64 * 1024 * 1024, heavy, 8),
    await stallSample(
      'parsed in the parser thread (default, > 256 KiB)',
      defaultConfig.server.parseInWorkerAboveBytes,
      heavy,
      8,
    ),
  ],
);
