import type { HostFn } from './types.js';
import {
  asSet,
  deepEqual,
  getOwn,
  hasOwn,
  isArray,
  isInteger,
  isObject,
  isString,
  newObject,
  setOwn,
  sortedKeys,
} from './values.js';
import type { Obj } from './values.js';

/**
 * Object built-ins. Objects arrive as JSON objects, so only string keys can be addressed;
 * sets arrive as arrays (see the report on which results differ because of that).
 */

/** One step of a path lookup through objects (string keys) and arrays (integer indexes). */
function step(cur: unknown, key: unknown): { found: boolean; value: unknown } {
  if (isObject(cur) && isString(key) && hasOwn(cur, key)) return { found: true, value: getOwn(cur, key) };
  if (isArray(cur) && isInteger(key) && key >= 0 && key < cur.length) return { found: true, value: cur[key] };
  return { found: false, value: undefined };
}

/** object.get(obj, key, default): `key` may be an array path; an empty path yields `obj`. */
function objectGet(obj: unknown, key: unknown, dflt: unknown): unknown {
  if (!isObject(obj)) return undefined;
  const path = isArray(key) ? key : [key];
  let cur: unknown = obj;
  for (const k of path) {
    const s = step(cur, k);
    if (!s.found) return dflt;
    cur = s.value;
  }
  return cur;
}

export function union(a: Obj, b: Obj): Record<string, unknown> {
  const out = newObject(Object.entries(a));
  for (const k of Object.keys(b)) {
    const av = getOwn(a, k);
    const bv = getOwn(b, k);
    setOwn(out, k, hasOwn(a, k) && isObject(av) && isObject(bv) ? union(av, bv) : bv);
  }
  return out;
}

function unionN(objs: unknown): unknown {
  if (!isArray(objs)) return undefined;
  let acc: Record<string, unknown> = {};
  for (const o of objs) {
    if (!isObject(o)) return undefined;
    acc = union(acc, o);
  }
  return acc;
}

/** Keys named by an array/set (elements) or an object (its keys). */
function keySet(keys: unknown): Set<string> | undefined {
  if (isArray(keys)) return new Set(keys.filter(isString));
  if (isObject(keys)) return new Set(Object.keys(keys));
  return undefined;
}

function pick(keep: boolean): HostFn {
  return (obj, keys) => {
    const ks = keySet(keys);
    if (!isObject(obj) || ks === undefined) return undefined;
    return newObject(Object.entries(obj).filter(([k]) => ks.has(k) === keep));
  };
}

function isContiguous(sup: readonly unknown[], sub: readonly unknown[]): boolean {
  if (sub.length === 0) return true;
  for (let i = 0; i + sub.length <= sup.length; i++) {
    if (sub.every((v, j) => deepEqual(sup[i + j], v))) return true;
  }
  return false;
}

function objectSubset(sup: Obj, sub: Obj): boolean {
  return Object.keys(sub).every((k) => {
    if (!hasOwn(sup, k)) return false;
    const a = getOwn(sup, k);
    const b = getOwn(sub, k);
    return isObject(a) && isObject(b) ? objectSubset(a, b) : deepEqual(a, b);
  });
}

/**
 * object.subset(super, sub): objects recursively; arrays must appear contiguously. Sets
 * arrive as arrays, so a set pair is judged as arrays (contiguity), unlike OPA's membership.
 */
function subset(sup: unknown, sub: unknown): boolean | undefined {
  if (isObject(sup) && isObject(sub)) return objectSubset(sup, sub);
  if (isArray(sup) && isArray(sub)) return isContiguous(sup, sub);
  return undefined;
}

export const objectBuiltins: Readonly<Record<string, HostFn>> = {
  'object.get': objectGet,
  'object.union': (a, b) => (isObject(a) && isObject(b) ? union(a, b) : undefined),
  'object.union_n': unionN,
  'object.remove': pick(false),
  'object.filter': pick(true),
  'object.keys': (o) => (isObject(o) ? asSet(sortedKeys(o)) : undefined),
  'object.subset': subset,
};
