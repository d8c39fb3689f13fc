/**
 * JSON-side view of Rego values as host built-ins see them: the SDK JSON-dumps every argument,
 * so sets arrive as arrays and objects with non-string keys arrive with stringified keys.
 * Results may contain `bigint` for integers beyond 2^53; `toWire` (registry.ts) turns those
 * into exact JSON text.
 */
import { NumberText } from './number-text.js';

export type Value = null | boolean | number | bigint | string | readonly Value[] | { readonly [key: string]: Value };

export type Obj = Readonly<Record<string, unknown>>;

export function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/** A finite JSON number. */
export function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

export function isArray(v: unknown): v is readonly unknown[] {
  return Array.isArray(v);
}

/**
 * A Rego set, as the set-aware host built-ins see it when the module passes an argument as
 * Rego value text (HOST_TEXT_ARGS): elements in OPA's value order, without duplicates.
 * Host built-ins called through plain JSON never see one (sets arrive as arrays there).
 */
export class RegoSet {
  constructor(readonly elems: readonly unknown[]) {}
}

export function isRegoSet(v: unknown): v is RegoSet {
  return v instanceof RegoSet;
}

export function isObject(v: unknown): v is Obj {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof ArrayBuffer) &&
    !(v instanceof RegoSet) &&
    !(v instanceof NumberText)
  );
}

/** Strings of a collection argument (array or set, which arrives as an array); undefined when any element is not a string. */
export function stringList(v: unknown): string[] | undefined {
  if (!isArray(v)) return undefined;
  const out: string[] = [];
  for (const e of v) {
    if (!isString(e)) return undefined;
    out.push(e);
  }
  return out;
}

/** Go-style string order (UTF-8 byte order = code point order), unlike JS's UTF-16 order. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

type Num = number | bigint | NumberText;

function isNum(v: unknown): v is Num {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof NumberText;
}

function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return 1;
  if (isNum(v)) return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  return v instanceof RegoSet ? 7 : 6;
}

/** Exact for integers (bigint); NumberText (beyond a double's range) compares as a double. */
function compareNumbers(a: Num, b: Num): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = a instanceof NumberText ? Number(a.text) : Number(a);
  const y = b instanceof NumberText ? Number(b.text) : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** OPA's total order on values: null < booleans < numbers < strings < arrays < objects < sets (RegoSet). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (isNum(a) && isNum(b)) return compareNumbers(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (isArray(a) && isArray(b)) return compareSequences(a, b);
  if (isObject(a) && isObject(b)) return compareObjects(a, b);
  if (a instanceof RegoSet && b instanceof RegoSet) return compareSequences(a.elems, b.elems);
  return 0;
}

function compareSequences(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareObjects(a: Obj, b: Obj): number {
  const ka = sortedKeys(a);
  const kb = sortedKeys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const x = ka[i] ?? '';
    const y = kb[i] ?? '';
    const c = compareStrings(x, y) || compareValues(a[x], b[y]);
    if (c !== 0) return c;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

export function sortedKeys(o: Obj): string[] {
  return Object.keys(o).sort(compareStrings);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** Sorted, deduplicated copy: how a set result is returned (the SDK cannot carry sets). */
export function asSet<T>(items: readonly T[]): T[] {
  const sorted = [...items].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1], v) !== 0);
}

/** Code points of a string (Rego indexes strings by code point, not UTF-16 unit). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Own property lookup that ignores the prototype chain (blocks `__proto__`/`constructor` keys). */
export function getOwn(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function hasOwn(o: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** A fresh plain object safe for arbitrary keys (`__proto__` becomes an own property). */
export function newObject(entries: Iterable<readonly [string, unknown]> = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}
