import { MAX_RULE_LABELS, MAX_RULE_LENGTH, OTHER_RULE } from './instrument.js';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Read at scrape time only, so the hot path pays nothing for these metrics. Set by whoever owns
 * the value (serve.ts: the live decider's cache; start.ts: the serving certificate).
 */
export interface MetricProbes {
  /** Verdict cache lookups so far, every decider this process ran included. */
  verdictCache?: () => { readonly hits: number; readonly misses: number };
  /** The serving certificate's notAfter (ms since the epoch). */
  certificateNotAfterMs?: () => number;
}

/** Review latency buckets (s): fine below 5 ms, where a cached or simple review answers. */
const REVIEW_BUCKETS = [0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The Prometheus metrics imagegate exports at GET /metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly reviews: Counter<'endpoint' | 'verdict'>;
  readonly duration: Histogram<'endpoint'>;
  readonly rejectedRequests: Counter<'endpoint' | 'status'>;
  readonly certReloads: Counter<'result'>;
  readonly droppedConnections: Counter;
  readonly registryLookups: Counter<'registry' | 'result'>;
  readonly factLookups: Counter<'source' | 'result'>;
  readonly unpinnedImages: Counter<'code'>;
  readonly registryDuration: Histogram<'registry'>;
  readonly decisions: Counter<'verdict' | 'rule'>;
  readonly violations: Counter<'rule' | 'mode'>;
  /** The `rule` label of imagegate_policy_violations_total for a rule name, bounded as the decisions' (instrument.ts). */
  readonly violationRule: (rule: string) => string;
  readonly decisionDuration: Histogram;
  readonly verdictCache: Counter<'result'>;
  readonly policyRevision: Gauge<'revision'>;
  readonly reloads: Counter<'source' | 'result'>;
  readonly certificateExpiry: Gauge;
  readonly probes: MetricProbes;
}

/** A fresh registry per app, so tests and several apps in one process never share counters. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const probes: MetricProbes = {};
  const violationRules = new Set<string>();
  return {
    registry,
    probes,
    violationRule: (rule) => {
      if (violationRules.has(rule)) return rule;
      if (rule.length > MAX_RULE_LENGTH || violationRules.size >= MAX_RULE_LABELS) return OTHER_RULE;
      violationRules.add(rule);
      return rule;
    },
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
      buckets: REVIEW_BUCKETS,
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'imagegate_policy_decisions_total',
      help: 'Policy decisions of /validate by verdict (allow, deny, undecided) and, for deny, each distinct rule that denied (rule="" otherwise).',
      labelNames: ['verdict', 'rule'],
      registers: [registry],
    }),
    violations: new Counter({
      name: 'imagegate_policy_violations_total',
      help: 'Violations found by /validate, by rule and what was done with them (mode: enforce, warn, audit, exempt, dry-run).',
      labelNames: ['rule', 'mode'],
      registers: [registry],
    }),
    decisionDuration: new Histogram({
      name: 'imagegate_policy_decision_duration_seconds',
      help: 'Time of one policy decision: verdict-cache lookup, wait for an evaluator thread and evaluation.',
      buckets: REVIEW_BUCKETS,
      registers: [registry],
    }),
    verdictCache: new Counter({
      name: 'imagegate_verdict_cache_lookups_total',
      help: 'Verdict cache lookups by result (hit, miss), every policy revision this process ran included.',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        const status = probes.verdictCache?.();
        if (status === undefined) return;
        this.reset();
        this.inc({ result: 'hit' }, status.hits);
        this.inc({ result: 'miss' }, status.misses);
      },
    }),
    policyRevision: new Gauge({
      name: 'imagegate_policy_revision_info',
      help: 'The live policy bundle: 1 for its revision (only the live one is exported).',
      labelNames: ['revision'],
      registers: [registry],
    }),
    reloads: new Counter({
      name: 'imagegate_reloads_total',
      help: 'Hot reloads of the config file and the policy, by source (config, policy) and result (applied, rejected).',
      labelNames: ['source', 'result'],
      registers: [registry],
    }),
    certificateExpiry: new Gauge({
      name: 'imagegate_certificate_expiry_timestamp_seconds',
      help: 'notAfter of the serving certificate in use, in unix seconds.',
      registers: [registry],
      collect() {
        const ms = probes.certificateNotAfterMs?.();
        if (ms !== undefined) this.set(Math.floor(ms / 1000));
      },
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
    factLookups: new Counter({
      name: 'imagegate_fact_lookups_total',
      help: 'Fact lookups per image digest by fact source (health, signatures) and result: hit (its cache), miss (looked up), error.',
      labelNames: ['source', 'result'],
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

/** The facts stage's FactMetrics on `metrics` (imagegate_fact_lookups_total). */
export function factMetricsSink(metrics: Metrics): { lookup(source: string, result: string): void } {
  return { lookup: (source, result) => metrics.factLookups.inc({ source, result }) };
}
