/**
 * imagegate's Rego compiler: parse (syntax/) → compile (compile/) → plan (plan/, OPA's IR in
 * ir/) → emit (wasm/, OPA's wasm ABI), plus the host built-ins (builtins/) the emitted modules
 * call through the SDK. This door offers the whole pipeline; the stages' own doors offer more.
 */
export { parseSources, compileEntrypoints, compileQuery, type RegoSource, type RegoVersion } from './pipeline.js';
export { instrumentQuery, evalRows, type EvalRow, type QueryExpression } from './query.js';
export { runRegoTests, type RegoTestResult } from './testing.js';
export { hostBuiltins, evaluationClock, type HostBuiltinOptions, type PrintSink } from './builtins/index.js';
export { builtinDeclarations, refusedBuiltins, lookupBuiltin } from './catalogue/index.js';
export { isRegoParseError, parseQuery } from './syntax/index.js';
export { isRegoCompileError } from './compile/index.js';
export type { EmitTarget } from './wasm/index.js';
