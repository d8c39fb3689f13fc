/**
 * Rego value types for the compile-time type checker, with the semantics of OPA's
 * `v1/types` package: a union (`any<…>`) is kept sorted in OPA's type order
 * (null < boolean < number < string < array < object < set < any), `any` with no members is
 * the top type, and a null `Maybe` stands for OPA's unknown (nil) type, printed `???`.
 */

/** A constant object key: JSON scalars only (composite keys are typed dynamically). */
export type StaticKey = null | boolean | string | { readonly num: string };

export interface StaticProp {
  readonly key: StaticKey;
  readonly value: RType;
}
export interface DynamicProp {
  readonly key: RType;
  readonly value: RType;
}

export type RType =
  | { readonly k: 'null' }
  | { readonly k: 'boolean' }
  | { readonly k: 'number' }
  | { readonly k: 'string' }
  | { readonly k: 'array'; readonly static: readonly RType[]; readonly dynamic: RType | null }
  | { readonly k: 'set'; readonly of: RType }
  | { readonly k: 'object'; readonly static: readonly StaticProp[]; readonly dynamic: DynamicProp | null }
  | { readonly k: 'any'; readonly of: readonly RType[] };

/** OPA's nil type (not known yet) is `null`. */
export type Maybe = RType | null;

export const T_NULL: RType = { k: 'null' };
export const T_BOOLEAN: RType = { k: 'boolean' };
export const T_NUMBER: RType = { k: 'number' };
export const T_STRING: RType = { k: 'string' };
export const T_ANY: RType = { k: 'any', of: [] };

export const isTop = (t: RType): boolean => t.k === 'any' && t.of.length === 0;

export function arrayOf(staticItems: readonly RType[], dynamic: RType | null): RType {
  return { k: 'array', static: staticItems, dynamic };
}

export function setOf(of: RType): RType {
  return { k: 'set', of };
}

export function objectOf(staticProps: readonly StaticProp[], dynamic: DynamicProp | null): RType {
  return { k: 'object', static: [...staticProps].sort((a, b) => compareKeys(a.key, b.key)), dynamic };
}

export function unionOf(of: readonly RType[]): RType {
  return { k: 'any', of: [...of].sort(compareTypes) };
}

const ORDER: Readonly<Record<RType['k'], number>> = {
  null: 0,
  boolean: 1,
  number: 2,
  string: 3,
  array: 4,
  object: 5,
  set: 6,
  any: 7,
};

function keyRank(k: StaticKey): number {
  if (k === null) return 0;
  if (typeof k === 'boolean') return 1;
  if (typeof k === 'string') return 3;
  return 2;
}

/** OPA's util.Compare on JSON scalars: null < false < true < numbers (by value) < strings. */
export function compareKeys(a: StaticKey, b: StaticKey): number {
  const ra = keyRank(a);
  const rb = keyRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null)
    return Math.sign(Number(a.num) - Number(b.num));
  return 0;
}

function compareLists(a: readonly RType[], b: readonly RType[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) break;
    const c = compareTypes(x, y);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

function compareNullable(a: RType | null, b: RType | null): number | null {
  if (a !== null && b === null) return 1;
  if (a === null && b !== null) return -1;
  if (a !== null && b !== null) {
    const c = compareTypes(a, b);
    if (c !== 0) return c;
  }
  return null;
}

function compareObjects(a: Extract<RType, { k: 'object' }>, b: Extract<RType, { k: 'object' }>): number {
  const dk = compareNullable(a.dynamic?.key ?? null, b.dynamic?.key ?? null);
  if (dk !== null) return dk;
  const dv = compareNullable(a.dynamic?.value ?? null, b.dynamic?.value ?? null);
  if (dv !== null) return dv;
  const n = Math.min(a.static.length, b.static.length);
  for (let i = 0; i < n; i++) {
    const x = a.static[i];
    const y = b.static[i];
    if (x === undefined || y === undefined) break;
    const c = compareKeys(x.key, y.key) || compareTypes(x.value, y.value);
    if (c !== 0) return c;
  }
  return Math.sign(a.static.length - b.static.length);
}

/** OPA's types.Compare: the order unions are sorted in. */
export function compareTypes(a: RType, b: RType): number {
  if (a.k !== b.k) return ORDER[a.k] - ORDER[b.k];
  switch (a.k) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return 0;
    case 'array': {
      if (b.k !== 'array') return 0;
      const d = compareNullable(a.dynamic, b.dynamic);
      return d ?? compareLists(a.static, b.static);
    }
    case 'object':
      return b.k === 'object' ? compareObjects(a, b) : 0;
    case 'set':
      return b.k === 'set' ? compareTypes(a.of, b.of) : 0;
    case 'any':
      return b.k === 'any' ? compareLists(a.of, b.of) : 0;
    default:
      return assertNeverType(a);
  }
}

function assertNeverType(x: never): never {
  throw new TypeError(`unhandled type ${JSON.stringify(x)}`);
}

function anyContains(members: readonly RType[], t: RType): boolean {
  return members.length === 0 || members.some((m) => compareTypes(m, t) === 0);
}

function mergeInto(members: readonly RType[], t: RType): RType {
  if (t.k === 'any') {
    if (members.length === 0 || t.of.length === 0) return T_ANY;
    let out: RType = { k: 'any', of: members };
    for (const m of t.of) out = mergeInto(out.k === 'any' ? out.of : [out], m);
    return out;
  }
  if (anyContains(members, t)) return { k: 'any', of: members };
  return unionOf([...members, t]);
}

/** OPA's types.Or: the union of two types; a superset absorbs the other; unknown is neutral. */
export function orTypes(a: Maybe, b: Maybe): Maybe {
  if (a === null) return b;
  if (b === null) return a;
  if (a.k === 'any') return mergeInto(a.of, b);
  if (b.k === 'any') return mergeInto(b.of, a);
  if (compareTypes(a, b) === 0) return a;
  return unionOf([a, b]);
}

/** The type of a constant key (OPA's types.TypeOf). */
export function keyType(k: StaticKey): RType {
  if (k === null) return T_NULL;
  if (typeof k === 'boolean') return T_BOOLEAN;
  if (typeof k === 'string') return T_STRING;
  return T_NUMBER;
}

function containsType(container: RType, t: RType): boolean {
  if (container.k === 'any') return anyContains(container.of, t);
  return compareTypes(container, t) === 0;
}

/** OPA's types.Select: the type of `t[key]` for a constant key, or unknown. */
export function selectKey(t: RType, key: StaticKey): Maybe {
  switch (t.k) {
    case 'array': {
      if (typeof key !== 'object' || key === null || !/^-?\d+$/.test(key.num)) return null;
      const pos = Number(key.num);
      if (pos < 0) return null;
      return t.static[pos] ?? t.dynamic;
    }
    case 'object': {
      const hit = t.static.find((p) => compareKeys(p.key, key) === 0);
      if (hit !== undefined) return hit.value;
      if (t.dynamic !== null && containsType(t.dynamic.key, keyType(key))) return t.dynamic.value;
      return null;
    }
    case 'set': {
      const kt = keyType(key);
      if (compareTypes(t.of, kt) === 0) return t.of;
      if (t.of.k === 'any' && anyContains(t.of.of, kt)) return kt;
      return null;
    }
    case 'any': {
      if (t.of.length === 0) return T_ANY;
      let out: Maybe = null;
      for (const m of t.of) out = orTypes(selectKey(m, key), out);
      return out;
    }
    default:
      return null;
  }
}

/** OPA's types.Values: the type of the elements enumerated by iterating `t`. */
export function valuesOf(t: RType): Maybe {
  switch (t.k) {
    case 'array': {
      let out: Maybe = null;
      for (const s of t.static) out = orTypes(out, s);
      return orTypes(out, t.dynamic);
    }
    case 'object': {
      let out: Maybe = null;
      for (const p of t.static) out = orTypes(out, p.value);
      return t.dynamic === null ? out : orTypes(out, t.dynamic.value);
    }
    case 'set':
      return t.of;
    case 'any': {
      if (t.of.length === 0) return T_ANY;
      let out: Maybe = null;
      for (const m of t.of) out = orTypes(valuesOf(m), out);
      return out;
    }
    default:
      return null;
  }
}

function arraySelect(t: Extract<RType, { k: 'array' }>, i: number): Maybe {
  return t.static[i] ?? t.dynamic;
}

function unifiesArraysStatic(a: Extract<RType, { k: 'array' }>, b: Extract<RType, { k: 'array' }>): boolean {
  return a.static.every((x, i) => unifies(x, arraySelect(b, i)));
}

function objectSelect(t: Extract<RType, { k: 'object' }>, key: StaticKey): Maybe {
  return selectKey(t, key);
}

function unifiesObjectsStatic(a: Extract<RType, { k: 'object' }>, b: Extract<RType, { k: 'object' }>): boolean {
  return a.static.every((p) => unifies(p.value, objectSelect(b, p.key)));
}

function unifiesAny(members: readonly RType[], b: RType): boolean {
  return members.length === 0 || members.some((m) => unifies(m, b));
}

/** OPA's `unifies` (check.go): whether a value of type `a` may also be of type `b`. Unknown never unifies. */
export function unifies(a: Maybe, b: Maybe): boolean {
  if (a === null || b === null) return false;
  if (a.k === 'any' && unifiesAny(a.of, b)) return true;
  if (b.k === 'any' && unifiesAny(b.of, a)) return true;
  if (a.k === 'any' || b.k === 'any') return false;
  switch (a.k) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return a.k === b.k;
    case 'array':
      if (b.k !== 'array') return false;
      return (
        unifiesArraysStatic(a, b) &&
        unifiesArraysStatic(b, a) &&
        (a.dynamic === null || b.dynamic === null || unifies(a.dynamic, b.dynamic))
      );
    case 'object':
      if (b.k !== 'object') return false;
      return (
        unifiesObjectsStatic(a, b) &&
        unifiesObjectsStatic(b, a) &&
        (a.dynamic === null || b.dynamic === null || unifies(a.dynamic.value, b.dynamic.value))
      );
    case 'set':
      return b.k === 'set' && unifies(a.of, b.of);
    default:
      return assertNeverType(a);
  }
}

function formatKey(k: StaticKey): string {
  if (k === null) return '<nil>';
  if (typeof k === 'object') return k.num;
  return String(k);
}

/** OPA's type String(): `array<number>[any]`, `object<a: string>[string: any]`, `any<…>`; unknown is `???`. */
export function formatType(t: Maybe): string {
  if (t === null) return '???';
  switch (t.k) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return t.k;
    case 'array':
      return `array${t.static.length > 0 ? `<${t.static.map(formatType).join(', ')}>` : ''}${t.dynamic === null ? '' : `[${formatType(t.dynamic)}]`}`;
    case 'set':
      return `set[${formatType(t.of)}]`;
    case 'object': {
      const stat =
        t.static.length > 0 ? `<${t.static.map((p) => `${formatKey(p.key)}: ${formatType(p.value)}`).join(', ')}>` : '';
      return `object${stat}${t.dynamic === null ? '' : `[${formatType(t.dynamic.key)}: ${formatType(t.dynamic.value)}]`}`;
    }
    case 'any':
      return t.of.length === 0 ? 'any' : `any<${t.of.map(formatType).join(', ')}>`;
    default:
      return assertNeverType(t);
  }
}
