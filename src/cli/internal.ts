/**
 * The cli room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { usage, type CliIo } from './run.js';
export { startServing, type Serving } from './serve.js';
export { applicable, policyContentHash } from './reload.js';
