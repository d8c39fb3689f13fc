/**
 * The compiler's views of the built-in catalogue (src/rego/catalogue), the one table of
 * what exists, what runs and what is refused.
 */
import { builtinArity, builtinDeclarations, refusedBuiltins } from '../catalogue/index.js';

/**
 * Built-in name → number of input arguments, for every name OPA declares (supported or
 * refused, so a refused call is reported with its reason rather than as an unknown function).
 * Variadic built-ins (`print`) count their declared arguments (none).
 */
export const BUILTIN_ARITY: ReadonlyMap<string, number> = new Map([
  ...builtinDeclarations.map((d) => [d.name, builtinArity(d.name) ?? d.decl.args.length] as const),
  ...refusedBuiltins.map((r) => [r.name, r.arity] as const),
]);

/** Built-ins whose captured output is a collection of solutions, iterated by the planner. */
export const RELATION_BUILTINS: ReadonlySet<string> = new Set(
  builtinDeclarations.filter((d) => d.relation).map((d) => d.name),
);

/** Variadic built-ins: any argument count is accepted. */
export const VARIADIC_BUILTINS: ReadonlySet<string> = new Set(
  builtinDeclarations.filter((d) => d.decl.variadic !== undefined).map((d) => d.name),
);
