/**
 * imagegate's Rego compiler: parse (syntax/) → compile (compile/) → plan (plan/, OPA's IR in
 * ir/) → emit (wasm/, OPA's wasm ABI), plus the host built-ins (builtins/) the emitted modules
 * call through the SDK. This door offers the whole pipeline; the stages' own doors offer more.
 */
export { parseSources, compileEntrypoints, compileQuery, type RegoSource, type RegoVersion } from './pipeline.js';
export { instrumentQuery, evalRows, expressionTexts, functionArities, EXPR_VAR_PREFIX, type EvalRow, type QueryExpression } from './query.js';
export { regoEvalError, type RegoEvalError } from './eval-error.js';
export { runRegoTests, type RegoTestResult, type RegoTestRun } from './testing.js';
export type { CoverageReport, FileCoverage } from './coverage.js';
export { hostBuiltins, evaluationClock, loadRegoPolicy, type HostBuiltinOptions, type PrintSink, type RegoPolicyOptions } from './builtins/index.js';
export { builtinDeclarations, refusedBuiltins, lookupBuiltin } from './catalogue/index.js';
export { isRegoParseError, parseQuery } from './syntax/index.js';
export { isRegoCompileError } from './compile/index.js';
export { checkSources, type CheckProblem } from './check.js';
export { formatModule, parseModule, type Import, type Module } from './syntax/index.js';
export type { EmitTarget } from './wasm/index.js';
