// Native built-ins OPA 1.x keeps for v0 modules only (deprecated before 1.0): any, all,
// set_diff and the cast_* family. Each returns a value address, or 0 (undefined) on a type
// error, as OPA's wasm runtime does.

import {
  T_NULL,
  T_BOOL,
  T_STRING,
  T_ARRAY,
  T_OBJECT,
  T_SET,
  mkBool,
  mkArray,
  mkSet,
  arrayAppend,
  arrayAt,
  setAdd,
  setFind,
  setAt,
  collLen,
  boolOf,
} from '../value';

function isType(v: u32, t: u8): bool {
  return load<u8>(v) == t;
}

function isTrue(v: u32): bool {
  return isType(v, T_BOOL) && boolOf(v);
}

/** any(coll): some element of an array or set is `true`. */
export function bi_any(c: u32): u32 {
  if (!isType(c, T_ARRAY) && !isType(c, T_SET)) return 0;
  for (let i: u32 = 0; i < collLen(c); i++) if (isTrue(arrayAt(c, i))) return mkBool(true);
  return mkBool(false);
}

/** all(coll): every element of an array or set is `true` (an empty one: true). */
export function bi_all(c: u32): u32 {
  if (!isType(c, T_ARRAY) && !isType(c, T_SET)) return 0;
  for (let i: u32 = 0; i < collLen(c); i++) if (!isTrue(arrayAt(c, i))) return mkBool(false);
  return mkBool(true);
}

/** set_diff(a, b): the elements of set a not in set b. */
export function bi_set_diff(a: u32, b: u32): u32 {
  if (!isType(a, T_SET) || !isType(b, T_SET)) return 0;
  const r = mkSet();
  for (let i: u32 = 0; i < collLen(a); i++) {
    const v = setAt(a, i);
    if (setFind(b, v) < 0) setAdd(r, v);
  }
  return r;
}

/** cast_array: an array as is, a set's elements in order. */
export function bi_cast_array(v: u32): u32 {
  if (isType(v, T_ARRAY)) return v;
  if (!isType(v, T_SET)) return 0;
  const n = collLen(v);
  const r = mkArray(n);
  for (let i: u32 = 0; i < n; i++) arrayAppend(r, setAt(v, i));
  return r;
}

/** cast_set: a set as is, an array's elements as a set. */
export function bi_cast_set(v: u32): u32 {
  if (isType(v, T_SET)) return v;
  if (!isType(v, T_ARRAY)) return 0;
  const r = mkSet();
  for (let i: u32 = 0; i < collLen(v); i++) setAdd(r, arrayAt(v, i));
  return r;
}

export function bi_cast_string(v: u32): u32 {
  return isType(v, T_STRING) ? v : 0;
}
export function bi_cast_boolean(v: u32): u32 {
  return isType(v, T_BOOL) ? v : 0;
}
export function bi_cast_null(v: u32): u32 {
  return isType(v, T_NULL) ? v : 0;
}
export function bi_cast_object(v: u32): u32 {
  return isType(v, T_OBJECT) ? v : 0;
}
