/**
 * Rego compiler middle stage (parse → **compile** → plan → emit): resolves packages,
 * imports and rule refs, renames locals, rewrites `some … in`, `every`, `with` and calls,
 * reorders bodies for safety and checks arity, recursion and rule conflicts the way OPA's
 * compiler does. Errors are collected and thrown together as RegoCompileError
 * (IMAGEGATE_REGO_COMPILE) with the typed list on `.problems`.
 */
export { compileProgram, type CompileOptions } from './program.js';
export { RegoCompileError, isRegoCompileError, REGO_COMPILE_ERROR_CODE } from './errors.js';
export { BUILTIN_ARITY, RELATION_BUILTINS } from './builtins.js';
export { deepTermVars } from './walk.js';
export type * from './types.js';
