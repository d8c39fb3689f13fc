export { buildApp, type App, type AppOptions, type TlsMaterial } from './app.js';
export { createMetrics, registryMetricsSink, type Metrics } from './metrics.js';
export { parseTimeoutQuery, reviewBudgetMs, type DeadlineLimits } from './timeout.js';
export { connectionLimits, REPLY_GRACE_MS, type ConnectionLimits } from './limits.js';
export { descriptorsNeeded, openFilesLimit, DESCRIPTOR_RESERVE } from './descriptors.js';
export { startServer, type StartServerOptions, type RunningServer } from './start.js';
export { readBody, ReceivedBody, MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES, type BodyReadResult, type ReadBodyOptions } from './body.js';
