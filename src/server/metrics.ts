import { Counter, Histogram, Registry } from 'prom-client';

/** The Prometheus metrics imagegate exports at GET /metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly reviews: Counter<'endpoint' | 'verdict'>;
  readonly duration: Histogram<'endpoint'>;
  readonly rejectedRequests: Counter<'endpoint' | 'status'>;
  readonly certReloads: Counter<'result'>;
}

/** A fresh registry per app, so tests and several apps in one process never share counters. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  return {
    registry,
    reviews: new Counter({ name: 'imagegate_admission_reviews_total', help: 'AdmissionReviews answered, by endpoint and verdict (allow, deny, error, skip).', labelNames: ['endpoint', 'verdict'], registers: [registry] }),
    duration: new Histogram({ name: 'imagegate_admission_duration_seconds', help: 'Time from request body parsed to response ready.', labelNames: ['endpoint'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    rejectedRequests: new Counter({ name: 'imagegate_rejected_requests_total', help: 'Requests refused before a decision (malformed, too large, wrong content type), by HTTP status.', labelNames: ['endpoint', 'status'], registers: [registry] }),
    certReloads: new Counter({ name: 'imagegate_certificate_reloads_total', help: 'Serving certificate reloads from disk, by result (applied, rejected).', labelNames: ['result'], registers: [registry] }),
  };
}
