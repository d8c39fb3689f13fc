/**
 * The server room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { buildApp, type App, type AppOptions, type TlsMaterial } from './app.js';
export type { Metrics, MetricProbes } from './metrics.js';
export { MAX_RULE_LABELS, MAX_RULE_LENGTH, OTHER_RULE } from './instrument.js';
export { readinessOf, type Readiness } from './readiness.js';
export type { Generation } from './live.js';
export { parseTimeoutQuery, reviewBudgetMs, type DeadlineLimits } from './timeout.js';
export { connectionLimits, REPLY_GRACE_MS, type ConnectionLimits } from './limits.js';
export { descriptorsNeeded, openFilesLimit, DESCRIPTOR_RESERVE } from './descriptors.js';
export type { StartServerOptions, RunningServer } from './start.js';
export {
  readBody,
  ReceivedBody,
  MIN_SEGMENT_BYTES,
  MAX_SEGMENT_BYTES,
  type BodyReadResult,
  type ReadBodyOptions,
} from './body.js';
