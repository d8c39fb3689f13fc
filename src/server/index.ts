export { createMetrics, registryMetricsSink } from './metrics.js';
export { startServer } from './start.js';
