// Native built-ins over arrays, objects and sets.

import { compare } from '../compare';
import {
  T_ARRAY,
  T_OBJECT,
  T_SET,
  T_NUMBER,
  mkArray,
  mkObject,
  mkSet,
  arrayAppend,
  arrayAt,
  collLen,
  objGet,
  objInsert,
  objKeyAt,
  objValAt,
  setAdd,
  setAt,
  setFind,
  shallowCopy,
  objRemove,
  valueGet,
} from '../value';
import { numToI64, numI64 } from '../number';

function isType(v: u32, t: u8): bool {
  return load<u8>(v) == t;
}

/** object.get(obj, key, default); key may be an array path. */
export function bi_object__get(o: u32, k: u32, dflt: u32): u32 {
  if (!isType(o, T_OBJECT)) return 0;
  if (isType(k, T_ARRAY)) {
    let cur = o;
    for (let i: u32 = 0; i < collLen(k); i++) {
      const t = load<u8>(cur);
      if (t != T_OBJECT && t != T_ARRAY && t != T_SET) return dflt;
      cur = valueGet(cur, arrayAt(k, i));
      if (cur == 0) return dflt;
    }
    return cur;
  }
  const v = objGet(o, k);
  return v == 0 ? dflt : v;
}

export function bi_object__keys(o: u32): u32 {
  if (!isType(o, T_OBJECT)) return 0;
  const r = mkSet();
  for (let i: u32 = 0; i < collLen(o); i++) setAdd(r, objKeyAt(o, i));
  return r;
}

/** Keys given as an array, set, or object (its keys). */
function keysOf(k: u32): u32 {
  if (isType(k, T_SET)) return k;
  const r = mkSet();
  if (isType(k, T_ARRAY)) for (let i: u32 = 0; i < collLen(k); i++) setAdd(r, arrayAt(k, i));
  else if (isType(k, T_OBJECT)) for (let i: u32 = 0; i < collLen(k); i++) setAdd(r, objKeyAt(k, i));
  else return 0;
  return r;
}

export function bi_object__remove(o: u32, k: u32): u32 {
  if (!isType(o, T_OBJECT)) return 0;
  const ks = keysOf(k);
  if (ks == 0) return 0;
  const r = mkObject();
  for (let i: u32 = 0; i < collLen(o); i++) {
    const key = objKeyAt(o, i);
    if (setFind(ks, key) < 0) objInsert(r, key, objValAt(o, i));
  }
  return r;
}

export function bi_object__filter(o: u32, k: u32): u32 {
  if (!isType(o, T_OBJECT)) return 0;
  const ks = keysOf(k);
  if (ks == 0) return 0;
  const r = mkObject();
  for (let i: u32 = 0; i < collLen(o); i++) {
    const key = objKeyAt(o, i);
    if (setFind(ks, key) >= 0) objInsert(r, key, objValAt(o, i));
  }
  return r;
}

/** Recursive union; b wins on conflicts, nested objects merge. */
function unionObj(a: u32, b: u32): u32 {
  const r = shallowCopy(a);
  for (let i: u32 = 0; i < collLen(b); i++) {
    const k = objKeyAt(b, i);
    const bv = objValAt(b, i);
    const av = objGet(r, k);
    if (av != 0 && isType(av, T_OBJECT) && isType(bv, T_OBJECT)) objInsert(r, k, unionObj(av, bv));
    else objInsert(r, k, bv);
  }
  return r;
}

export function bi_object__union(a: u32, b: u32): u32 {
  if (!isType(a, T_OBJECT) || !isType(b, T_OBJECT)) return 0;
  return unionObj(a, b);
}

export function bi_object__union_n(arr: u32): u32 {
  if (!isType(arr, T_ARRAY)) return 0;
  let r = mkObject();
  for (let i: u32 = 0; i < collLen(arr); i++) {
    const o = arrayAt(arr, i);
    if (!isType(o, T_OBJECT)) return 0;
    r = unionObj(r, o);
  }
  return r;
}

export function bi_array__concat(a: u32, b: u32): u32 {
  if (!isType(a, T_ARRAY) || !isType(b, T_ARRAY)) return 0;
  const r = mkArray(collLen(a) + collLen(b));
  for (let i: u32 = 0; i < collLen(a); i++) arrayAppend(r, arrayAt(a, i));
  for (let i: u32 = 0; i < collLen(b); i++) arrayAppend(r, arrayAt(b, i));
  return r;
}

export function bi_array__reverse(a: u32): u32 {
  if (!isType(a, T_ARRAY)) return 0;
  const n = collLen(a);
  const r = mkArray(n);
  for (let i: u32 = n; i > 0; i--) arrayAppend(r, arrayAt(a, i - 1));
  return r;
}

/** array.slice(a, start, stop): indexes clamped to [0, len], empty when start >= stop. */
export function bi_array__slice(a: u32, s: u32, e: u32): u32 {
  if (!isType(a, T_ARRAY) || !isType(s, T_NUMBER) || !isType(e, T_NUMBER)) return 0;
  if (!numToI64(s)) return 0;
  let start = numI64;
  if (!numToI64(e)) return 0;
  let stop = numI64;
  const n = <i64>collLen(a);
  if (start < 0) start = 0;
  if (stop > n) stop = n;
  const r = mkArray(0);
  for (let i = start; i < stop; i++) arrayAppend(r, arrayAt(a, <u32>i));
  return r;
}

/** array.flatten: splices nested arrays one level deep. */
export function bi_array__flatten(a: u32): u32 {
  if (!isType(a, T_ARRAY)) return 0;
  const r = mkArray(0);
  for (let i: u32 = 0; i < collLen(a); i++) {
    const v = arrayAt(a, i);
    if (isType(v, T_ARRAY)) for (let j: u32 = 0; j < collLen(v); j++) arrayAppend(r, arrayAt(v, j));
    else arrayAppend(r, v);
  }
  return r;
}

/** Whether every key/value of sub is in sup (objects recursively, sets, array subsequence). */
function subset(sup: u32, sub: u32): bool {
  const ts = load<u8>(sup);
  if (ts != load<u8>(sub)) return compare(sup, sub) == 0;
  if (ts == T_OBJECT) {
    for (let i: u32 = 0; i < collLen(sub); i++) {
      const v = objGet(sup, objKeyAt(sub, i));
      if (v == 0 || !subset(v, objValAt(sub, i))) return false;
    }
    return true;
  }
  if (ts == T_SET) {
    for (let i: u32 = 0; i < collLen(sub); i++) if (setFind(sup, setAt(sub, i)) < 0) return false;
    return true;
  }
  if (ts == T_ARRAY) {
    const n = collLen(sub);
    if (n == 0) return true;
    const m = collLen(sup);
    for (let s: u32 = 0; s + n <= m; s++) {
      let ok = true;
      for (let j: u32 = 0; j < n && ok; j++) ok = compare(arrayAt(sup, s + j), arrayAt(sub, j)) == 0;
      if (ok) return true;
    }
    return false;
  }
  return compare(sup, sub) == 0;
}

export function bi_object__subset(sup: u32, sub: u32): u32 {
  const t = load<u8>(sup);
  if (t != T_OBJECT && t != T_SET && t != T_ARRAY) return 0;
  const u = load<u8>(sub);
  if (u != T_OBJECT && u != T_SET && u != T_ARRAY) return 0;
  if (t == T_ARRAY && u == T_SET) {
    for (let i: u32 = 0; i < collLen(sub); i++) {
      let found = false;
      for (let j: u32 = 0; j < collLen(sup) && !found; j++) found = compare(arrayAt(sup, j), setAt(sub, i)) == 0;
      if (!found) return mkBool(false);
    }
    return mkBool(true);
  }
  if (t != u) return 0;
  return mkBool(subset(sup, sub));
}

import { mkBool } from '../value';
