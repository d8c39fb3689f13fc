/**
 * Rego built-in functions with OPA's semantics, for the wasm host (opa-wasm custom built-ins).
 * A sub-room door other rooms may import besides src/rego/index.ts: the policy evaluator threads
 * need the host built-ins without the compiler (syntax, compile, plan, ir, wasm, binaryen), which
 * the rego door loads. Only the catalogue (a data table) may be loaded from here.
 */
export { hostBuiltins, rawHostBuiltins, toWire, evaluationClock } from './registry.js';
export type { HostBuiltinOptions } from './registry.js';
export type { HostFn } from './types.js';
export { loadRegoPolicy, type RegoPolicyOptions } from './load.js';
export { formatValue } from './format.js';
export { printLines, type PrintSink } from './print.js';
