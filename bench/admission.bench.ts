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
]);
await app.close();
