export { buildApp, type App, type AppOptions, type TlsMaterial } from './app.js';
export { createMetrics, registryMetricsSink, type Metrics } from './metrics.js';
export { parseGoDuration, reviewBudgetMs } from './timeout.js';
export { startServer, type StartServerOptions, type RunningServer } from './start.js';
