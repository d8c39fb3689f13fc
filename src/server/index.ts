export { createMetrics, factMetricsSink, registryMetricsSink, type Metrics } from './metrics.js';
export { startServer, type RunningServer } from './start.js';
export { createSwappable, type ReviewDeps, type Swappable } from './live.js';
export { instrumentDecider } from './instrument.js';
export { summaryLimitsOf, validateDepsOf } from './validate-deps.js';
export { reviewBudgetMs } from './timeout.js';
