/** Built-in signatures for the type checker, derived once from the capabilities declarations. */
import { builtinDeclarations, type TypeDecl } from '../catalogue/index.js';
import {
  arrayOf,
  objectOf,
  setOf,
  unionOf,
  T_ANY,
  T_BOOLEAN,
  T_NULL,
  T_NUMBER,
  T_STRING,
  type RType,
} from './typecheck-types.js';

/** A built-in's declared argument types, result type (always present in OPA 1.x) and variadic type. */
export interface Signature {
  readonly args: readonly RType[];
  readonly result: RType | null;
  readonly variadic: RType | null;
}

export function declType(d: TypeDecl): RType {
  switch (d.type) {
    case 'string':
      return T_STRING;
    case 'number':
      return T_NUMBER;
    case 'boolean':
      return T_BOOLEAN;
    case 'null':
      return T_NULL;
    case 'any':
      return d.of === undefined ? T_ANY : flatUnion(d.of.map(declType));
    case 'array':
      return arrayOf([], declType(d.dynamic));
    case 'set':
      return setOf(declType(d.of));
    case 'object':
      return objectOf([], { key: declType(d.dynamic.key), value: declType(d.dynamic.value) });
    default:
      return assertNeverDecl(d);
  }
}

/** `C<a>|s` is one flat union, as OPA declares it (`any<string, array[any], set[any]>`). */
function flatUnion(members: readonly RType[]): RType {
  const flat: RType[] = [];
  for (const m of members) {
    if (m.k !== 'any') flat.push(m);
    else if (m.of.length === 0) return T_ANY;
    else flat.push(...m.of);
  }
  return unionOf(flat);
}

function assertNeverDecl(x: never): never {
  throw new TypeError(`unhandled type declaration ${JSON.stringify(x)}`);
}

/**
 * Object results are typed `any`: OPA declares several of them (`object.union`,
 * `object.remove`, `json.filter`, …) as `any`, and a result typed narrower than OPA's would
 * reject policies OPA accepts.
 */
function widenResult(t: RType): RType {
  return t.k === 'object' ? T_ANY : t;
}

let cache: ReadonlyMap<string, Signature> | null = null;

/** Built-in name → signature; built-ins without a declaration are not type-checked. */
export function builtinSignatures(): ReadonlyMap<string, Signature> {
  if (cache !== null) return cache;
  const out = new Map<string, Signature>();
  for (const b of builtinDeclarations) {
    out.set(b.name, {
      args: b.decl.args.map(declType),
      result: widenResult(declType(b.decl.result)),
      variadic: b.decl.variadic === undefined ? null : declType(b.decl.variadic),
    });
  }
  cache = out;
  return out;
}
