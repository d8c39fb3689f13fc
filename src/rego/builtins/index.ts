/** Rego built-in functions with OPA's semantics, for the wasm host (opa-wasm custom built-ins). */
export { hostBuiltins, rawHostBuiltins, toWire, evaluationClock } from './registry.js';
export type { HostBuiltinOptions } from './registry.js';
export type { HostFn } from './types.js';
export { loadRegoPolicy, type RegoPolicyOptions } from './load.js';
export { formatValue } from './format.js';
export { printLines, type PrintSink } from './print.js';
