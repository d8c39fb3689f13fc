/**
 * Types of the built-in catalogue: declarations in OPA's capabilities JSON shape and where
 * each built-in runs. Written in the table as `name(arg, arg) result`, types `s` string,
 * `n` number, `b` boolean, `x` null, `a` any, `o` object[any: any], `A<t>` array of t,
 * `S<t>` set of t, `C<t>` array-or-set of t, `t|u` union, `*t` variadic.
 */
export type TypeDecl =
  | { readonly type: 'string' | 'number' | 'boolean' | 'null' }
  | { readonly type: 'any'; readonly of?: readonly TypeDecl[] }
  | { readonly type: 'array'; readonly dynamic: TypeDecl }
  | { readonly type: 'set'; readonly of: TypeDecl }
  | { readonly type: 'object'; readonly dynamic: { readonly key: TypeDecl; readonly value: TypeDecl } };

export interface FunctionDecl {
  readonly type: 'function';
  readonly args: readonly TypeDecl[];
  readonly result: TypeDecl;
  readonly variadic?: TypeDecl;
}

/**
 * Where a supported built-in runs:
 * - `native`: the wasm runtime exports `bi_<name>` (src/rego/wasm/runtime), called directly;
 * - `host`: listed in the module's builtins() and called through the SDK's custom built-ins
 *   (`hostBuiltins()` of src/rego/builtins);
 * - `inline`: never called at evaluation: the compiler turns it into statements (`=`, `:=`)
 *   or into another built-in (`print` → `internal.print`, or erased).
 */
export type BuiltinImpl = 'native' | 'host' | 'inline';

export interface BuiltinDeclaration {
  readonly name: string;
  readonly decl: FunctionDecl;
  readonly impl: BuiltinImpl;
  /** Deprecated before OPA 1.0: callable from v0 modules only (as OPA 1.x does). */
  readonly deprecated: boolean;
  /** The result is a collection of solutions the planner iterates (`walk`). */
  readonly relation: boolean;
}

/** A built-in OPA knows that imagegate refuses to compile, with the reason shown to the author. */
export interface RefusedBuiltin {
  readonly name: string;
  /** Input arguments in OPA's declaration (for `with` targets and documentation). */
  readonly arity: number;
  readonly reason: string;
}

const SCALARS: Readonly<Record<string, TypeDecl>> = {
  s: { type: 'string' },
  n: { type: 'number' },
  b: { type: 'boolean' },
  x: { type: 'null' },
  a: { type: 'any' },
  o: { type: 'object', dynamic: { key: { type: 'any' }, value: { type: 'any' } } },
};

/** Splits on `sep` at bracket depth 0. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses one type shorthand; a malformed table is a programming error (thrown at load). */
function parseType(t: string): TypeDecl {
  const alts = splitTop(t, '|');
  if (alts.length > 1) return { type: 'any', of: alts.map(parseType) };
  const m = /^([ASC])<(.*)>$/.exec(t);
  if (m !== null) {
    const inner = parseType(m[2] ?? 'a');
    if (m[1] === 'A') return { type: 'array', dynamic: inner };
    if (m[1] === 'S') return { type: 'set', of: inner };
    return {
      type: 'any',
      of: [
        { type: 'array', dynamic: inner },
        { type: 'set', of: inner },
      ],
    };
  }
  const s = SCALARS[t];
  if (s === undefined) throw new Error(`bad type shorthand ${t}`);
  return s;
}

/** Parses `name(args)result` into its name and declaration. */
export function parseSignature(entry: string): { readonly name: string; readonly decl: FunctionDecl } {
  const m = /^([a-z0-9_.]+)\((.*?)\)(.+)$/.exec(entry);
  if (m === null) throw new Error(`bad declaration ${entry}`);
  const [, name = '', args = '', result = 'a'] = m;
  const argList = args === '' ? [] : splitTop(args, ',');
  const variadic =
    argList.length === 1 && argList[0]?.startsWith('*') === true ? parseType(argList[0].slice(1)) : undefined;
  return {
    name,
    decl:
      variadic === undefined
        ? { type: 'function', args: argList.map(parseType), result: parseType(result) }
        : { type: 'function', args: [], variadic, result: parseType(result) },
  };
}
