/**
 * imagegate's Rego compiler: parse (syntax/) → compile (compile/) → plan (plan/, OPA's IR in
 * ir/) → emit (wasm/, OPA's wasm ABI), plus the host built-ins (builtins/) the emitted modules
 * call through the SDK. This door offers the whole pipeline; the stages' own doors offer more.
 */
export {
  parseSources,
  compileEntrypoints,
  compilePolicy,
  compileQuery,
  type RegoSource,
  type RegoVersion,
} from './pipeline.js';
export { instrumentQuery, evalRows, functionArities, EXPR_VAR_PREFIX, type EvalRow } from './query.js';
export { regoEvalError } from './eval-error.js';
export { runRegoTests, type RegoTestResult } from './testing.js';
export { hostBuiltins, evaluationClock, loadRegoPolicy, type HostBuiltinOptions } from './builtins/index.js';
export { builtinDeclarations, refusedBuiltins } from './catalogue/index.js';
export { isRegoParseError, parseQuery, type RegoError } from './syntax/index.js';
export { isRegoCompileError } from './compile/index.js';
export { checkSources } from './check.js';
export { formatModule, parseModule, type Import, type Module } from './syntax/index.js';
export type { EmitTarget } from './wasm/index.js';
