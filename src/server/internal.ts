/**
 * The server room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { buildApp, type App, type AppOptions, type TlsMaterial } from './app.js';
export type { Metrics } from './metrics.js';
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
