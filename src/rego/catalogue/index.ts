/**
 * The built-in catalogue: one table of every Rego built-in OPA 1.x declares, supported (with
 * its declaration, and whether it runs natively in the wasm runtime, on the host, or is
 * compiled inline) or refused with the reason. Data only: the compiler reads it without
 * loading the host implementations (re2js, yaml, ...) that src/rego/builtins holds.
 */
import { builtinDeclarations, refusedBuiltins } from './table.js';
import type { BuiltinDeclaration, RefusedBuiltin } from './types.js';

export { builtinDeclarations, refusedBuiltins, DEPRECATED_BUILTINS } from './table.js';
export { HOST_ALIASES, HOST_TEXT_ARGS, HOST_TEXT_RESULTS } from './host-calls.js';
export type { BuiltinDeclaration, BuiltinImpl, FunctionDecl, RefusedBuiltin, TypeDecl } from './types.js';

/** What the catalogue says about a name. */
export type BuiltinLookup =
  | { readonly kind: 'supported'; readonly builtin: BuiltinDeclaration }
  | { readonly kind: 'refused'; readonly builtin: RefusedBuiltin }
  | { readonly kind: 'unknown' };

const supported: ReadonlyMap<string, BuiltinDeclaration> = new Map(builtinDeclarations.map((d) => [d.name, d]));
const refused: ReadonlyMap<string, RefusedBuiltin> = new Map(refusedBuiltins.map((r) => [r.name, r]));

export function lookupBuiltin(name: string): BuiltinLookup {
  const s = supported.get(name);
  if (s !== undefined) return { kind: 'supported', builtin: s };
  const r = refused.get(name);
  return r === undefined ? { kind: 'unknown' } : { kind: 'refused', builtin: r };
}

/** The supported built-in called `name`, if any. */
export function supportedBuiltin(name: string): BuiltinDeclaration | undefined {
  return supported.get(name);
}

/** Number of input arguments of a built-in; undefined for unknown names and variadic ones. */
export function builtinArity(name: string): number | undefined {
  const s = supported.get(name);
  if (s !== undefined) return s.decl.variadic === undefined ? s.decl.args.length : undefined;
  return refused.get(name)?.arity;
}
