/**
 * The rego room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { expressionTexts, type QueryExpression } from './query.js';
export type { RegoEvalError } from './eval-error.js';
export type { RegoTestRun } from './testing.js';
export type { CoverageReport, FileCoverage } from './coverage.js';
export type { PrintSink } from './builtins/index.js';
export { lookupBuiltin } from './catalogue/index.js';
