/**
 * Name environment of one package: imports, the package's rule names and every function's
 * arity, shared by the rewriting of all rules of the package.
 */
import { lookupBuiltin } from '../catalogue/index.js';
import type { Loc } from '../syntax/index.js';
import type { Problems } from './errors.js';
import type { CallTarget } from './types.js';

export interface ImportTarget {
  readonly root: 'data' | 'input';
  readonly path: readonly string[];
}

export interface Globals {
  /** Joined full path (`a.b.f`, below data) → arity of each user function. */
  readonly functions: ReadonlyMap<string, number>;
  readonly problems: Problems;
  /** Counter for program-wide unique local names. */
  readonly names: { n: number };
  /** Rewrite `print(…)` to `internal.print` (true) or erase it (false, as `opa build` by default). */
  readonly enablePrint: boolean;
}

export interface PackageEnv {
  readonly pkg: readonly string[];
  /** Import alias → path (`import data.x.y` → `y`). */
  readonly imports: ReadonlyMap<string, ImportTarget>;
  /** First segments of the rule refs of this package (all modules). */
  readonly ruleNames: ReadonlySet<string>;
  readonly globals: Globals;
}

export const joinPath = (path: readonly string[]): string => path.join('.');

/** Resolved call: target plus the number of input arguments it takes. */
export interface ResolvedCall {
  readonly target: CallTarget;
  readonly arity: number;
}

/**
 * Resolves a function name (`f`, `a.b.f`, `data.x.f`, `count`) to a user function or
 * built-in, reporting undefined functions, built-ins imagegate refuses (with the reason) and
 * arity mismatches. Only built-ins the catalogue lists as supported resolve, so every call
 * that compiles has an implementation.
 */
export function resolveFunction(
  env: PackageEnv,
  parts: readonly string[],
  nargs: number,
  loc: Loc,
): ResolvedCall | null {
  const user = userFunctionPath(env, parts);
  const problems = env.globals.problems;
  const name = parts.join('.');
  if (user !== null) {
    const arity = env.globals.functions.get(joinPath(user));
    if (arity === undefined) {
      problems.add('rego_type_error', `undefined function data.${joinPath(user)}`, loc);
      return null;
    }
    if (!checkArity(env, `data.${joinPath(user)}`, arity, nargs, loc)) return null;
    return { target: { kind: 'user', path: user }, arity };
  }
  const found = lookupBuiltin(name);
  switch (found.kind) {
    case 'unknown':
      problems.add('rego_type_error', `undefined function ${name}`, loc);
      return null;
    case 'refused':
      problems.add('rego_type_error', `built-in ${name} is not supported by imagegate: ${found.builtin.reason}`, loc);
      return null;
    case 'supported': {
      const { decl } = found.builtin;
      if (decl.variadic !== undefined) return { target: { kind: 'builtin', name }, arity: nargs };
      if (!checkArity(env, name, decl.args.length, nargs, loc)) return null;
      return { target: { kind: 'builtin', name }, arity: decl.args.length };
    }
    default:
      return assertNever(found);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unhandled built-in lookup ${JSON.stringify(x)}`);
}

function checkArity(env: PackageEnv, name: string, arity: number, nargs: number, loc: Loc): boolean {
  if (nargs === arity || nargs === arity + 1) return true;
  const message =
    nargs > arity
      ? `${name}: too many arguments\n\thave: ${nargs} arguments\n\twant: ${arity} arguments (plus an optional output)`
      : `${name}: arity mismatch\n\thave: ${nargs} arguments\n\twant: ${arity} arguments`;
  env.globals.problems.add('rego_type_error', message, loc);
  return false;
}

/** The data path a function name denotes when it names a user function (or could), else null. */
export function userFunctionPath(env: PackageEnv, parts: readonly string[]): readonly string[] | null {
  const [head, ...rest] = parts;
  if (head === undefined) return null;
  if (head === 'data') return rest;
  const imp = env.imports.get(head);
  if (imp?.root === 'data') return [...imp.path, ...rest];
  if (env.ruleNames.has(head)) return [...env.pkg, head, ...rest];
  const local = [...env.pkg, ...parts];
  if (env.globals.functions.has(joinPath(local))) return local;
  return null;
}
