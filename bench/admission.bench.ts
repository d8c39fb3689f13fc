/**
 * The webhook's own overhead per review through fastify inject(): parsing, extraction, reference
 * parsing, response. Baseline: /healthz (routing and serialisation only).
 */
import { buildApp, createMetrics } from '../src/server/index.js';
import { defaultConfig } from '../src/config/index.js';
import { createLogger } from '../src/log/index.js';
import type { Decider } from '../src/admission/index.js';
import { measure, report } from './harness.js';

const decider: Decider = { decide: () => Promise.resolve({ kind: 'allow', warnings: [] }) };
const app = buildApp({ config: defaultConfig, logger: createLogger({ level: 'silent' }), decider, metrics: createMetrics() });
await app.ready();

function pod(containers: number): string {
  const spec = { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, image: `registry.example.com/team/app${i}:1.${i}` })) };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: 'ns', object: { metadata: { name: 'p' }, spec } },
  });
}
const inject = (url: string, body?: string) => () =>
  app.inject(body === undefined ? { method: 'GET', url } : { method: 'POST', url, payload: body, headers: { 'content-type': 'application/json' } });

report('admission review overhead (inject, no network)', [
  await measure('GET /healthz (baseline)', inject('/healthz'), { runs: 500 }),
  await measure('POST /validate, 1 container', inject('/validate', pod(1)), { runs: 500 }),
  await measure('POST /validate, 10 containers', inject('/validate', pod(10)), { runs: 500 }),
  await measure('POST /validate, 1000 containers', inject('/validate', pod(1000)), { runs: 50 }),
  await measure('POST /mutate, 10 containers', inject('/mutate', pod(10)), { runs: 500 }),
  await measure('rejected: 10k levels of nesting', inject('/validate', `${'['.repeat(10_000)}${']'.repeat(10_000)}`), { runs: 200 }),
  await measure('rejected: 7 MiB body with a duplicate key at the end', inject('/validate', `{"pad":"${'x'.repeat(7 * 1024 * 1024 - 64)}","a":1,"a":2}`), { runs: 10 }),
]);
// The longest a single review holds the event loop is its whole handling time: the p95 of the
// 7 MiB case is the figure to compare with the 50 ms budget of adversarial case 1.
await app.close();
