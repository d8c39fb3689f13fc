import { Counter, Histogram, Registry } from 'prom-client';

/** The Prometheus metrics imagegate exports at GET /metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly reviews: Counter<'endpoint' | 'verdict'>;
  readonly duration: Histogram<'endpoint'>;
  readonly rejectedRequests: Counter<'endpoint' | 'status'>;
  readonly certReloads: Counter<'result'>;
  readonly droppedConnections: Counter;
  readonly registryLookups: Counter<'registry' | 'result'>;
  readonly unpinnedImages: Counter<'code'>;
  readonly registryDuration: Histogram<'registry'>;
}

/** A fresh registry per app, so tests and several apps in one process never share counters. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  return {
    registry,
    reviews: new Counter({
      name: 'imagegate_admission_reviews_total',
      help: 'AdmissionReviews answered, by endpoint and verdict (allow, deny, error, skip).',
      labelNames: ['endpoint', 'verdict'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'imagegate_admission_duration_seconds',
      help: 'Time from request body parsed to response ready.',
      labelNames: ['endpoint'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    rejectedRequests: new Counter({
      name: 'imagegate_rejected_requests_total',
      help: 'Requests refused before a decision (malformed, too large, wrong content type), by HTTP status.',
      labelNames: ['endpoint', 'status'],
      registers: [registry],
    }),
    registryLookups: new Counter({
      name: 'imagegate_registry_lookups_total',
      help: 'Tag lookups by registry host ("(untrusted)" for all others) and result: resolved, cached, or the IMAGEGATE_REGISTRY_* failure code.',
      labelNames: ['registry', 'result'],
      registers: [registry],
    }),
    unpinnedImages: new Counter({
      name: 'imagegate_unpinned_images_total',
      help: 'Tagged images /mutate left unpinned, by the catalogued code of why (e.g. IMAGEGATE_REGISTRY_TIMEOUT).',
      labelNames: ['code'],
      registers: [registry],
    }),
    registryDuration: new Histogram({
      name: 'imagegate_registry_lookup_duration_seconds',
      help: 'Time of one tag lookup, retries included.',
      labelNames: ['registry'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    droppedConnections: new Counter({
      name: 'imagegate_connections_dropped_total',
      help: 'Connections closed on accept because server.maxConnections were open.',
      registers: [registry],
    }),
    certReloads: new Counter({
      name: 'imagegate_certificate_reloads_total',
      help: 'Serving certificate reloads from disk, by result (applied, rejected).',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

/** The registry room's metrics sink, recording into these Prometheus metrics. */
export function registryMetricsSink(metrics: Metrics): { lookup(host: string, result: string, seconds: number): void } {
  return {
    lookup: (host, result, seconds) => {
      metrics.registryLookups.inc({ registry: host, result });
      metrics.registryDuration.observe({ registry: host }, seconds);
    },
  };
}
