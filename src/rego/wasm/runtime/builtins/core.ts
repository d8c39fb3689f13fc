// Native built-ins: comparison, arithmetic, type tests, aggregates, membership.
// Every bi_* returns a value address, or 0 (undefined) on a type error, as
// OPA's wasm runtime does (no strict built-in errors).

import { alloc } from '../alloc';
import { compare } from '../compare';
import { numAdd, numMul, numDiv, numRem, numRound, numAbs } from '../arith';
import {
  T_NULL,
  T_BOOL,
  T_NUMBER,
  T_STRING,
  T_ARRAY,
  T_OBJECT,
  T_SET,
  mkBool,
  mkInt,
  mkArray,
  mkSet,
  arrayAppend,
  arrayAt,
  setAdd,
  setFind,
  setAt,
  collLen,
  objValAt,
  valueGet,
  strLen,
  strPtr,
} from '../value';
import { strFromAscii, utf8Count } from '../strutil';

function isType(v: u32, t: u8): bool {
  return load<u8>(v) == t;
}

export function bi_equal(a: u32, b: u32): u32 {
  return mkBool(compare(a, b) == 0);
}
export function bi_neq(a: u32, b: u32): u32 {
  return mkBool(compare(a, b) != 0);
}
export function bi_gt(a: u32, b: u32): u32 {
  return mkBool(compare(a, b) > 0);
}
export function bi_gte(a: u32, b: u32): u32 {
  return mkBool(compare(a, b) >= 0);
}
export function bi_lt(a: u32, b: u32): u32 {
  return mkBool(compare(a, b) < 0);
}
export function bi_lte(a: u32, b: u32): u32 {
  return mkBool(compare(a, b) <= 0);
}

function bothNumbers(a: u32, b: u32): bool {
  return isType(a, T_NUMBER) && isType(b, T_NUMBER);
}

export function bi_plus(a: u32, b: u32): u32 {
  return bothNumbers(a, b) ? numAdd(a, b, false) : 0;
}

export function bi_minus(a: u32, b: u32): u32 {
  if (bothNumbers(a, b)) return numAdd(a, b, true);
  if (isType(a, T_SET) && isType(b, T_SET)) return setDiff(a, b);
  return 0;
}

export function bi_mul(a: u32, b: u32): u32 {
  return bothNumbers(a, b) ? numMul(a, b) : 0;
}

export function bi_div(a: u32, b: u32): u32 {
  return bothNumbers(a, b) ? numDiv(a, b) : 0;
}

export function bi_rem(a: u32, b: u32): u32 {
  return bothNumbers(a, b) ? numRem(a, b) : 0;
}

export function bi_abs(a: u32): u32 {
  return isType(a, T_NUMBER) ? numAbs(a) : 0;
}
export function bi_floor(a: u32): u32 {
  return isType(a, T_NUMBER) ? numRound(a, 0) : 0;
}
export function bi_ceil(a: u32): u32 {
  return isType(a, T_NUMBER) ? numRound(a, 1) : 0;
}
export function bi_round(a: u32): u32 {
  return isType(a, T_NUMBER) ? numRound(a, 2) : 0;
}

function setDiff(a: u32, b: u32): u32 {
  const r = mkSet();
  const n = collLen(a);
  for (let i: u32 = 0; i < n; i++) {
    const v = setAt(a, i);
    if (setFind(b, v) < 0) setAdd(r, v);
  }
  return r;
}

export function bi_and(a: u32, b: u32): u32 {
  if (!isType(a, T_SET) || !isType(b, T_SET)) return 0;
  const r = mkSet();
  const n = collLen(a);
  for (let i: u32 = 0; i < n; i++) {
    const v = setAt(a, i);
    if (setFind(b, v) >= 0) setAdd(r, v);
  }
  return r;
}

export function bi_or(a: u32, b: u32): u32 {
  if (!isType(a, T_SET) || !isType(b, T_SET)) return 0;
  const r = mkSet();
  for (let i: u32 = 0; i < collLen(a); i++) setAdd(r, setAt(a, i));
  for (let i: u32 = 0; i < collLen(b); i++) setAdd(r, setAt(b, i));
  return r;
}

/** Intersection of a set of sets. */
export function bi_intersection(s: u32): u32 {
  if (!isType(s, T_SET)) return 0;
  const n = collLen(s);
  if (n == 0) return mkSet();
  let r = setAt(s, 0);
  if (!isType(r, T_SET)) return 0;
  for (let i: u32 = 1; i < n; i++) {
    r = bi_and(r, setAt(s, i));
    if (r == 0) return 0;
  }
  return r;
}

/** Union of a set of sets. */
export function bi_union(s: u32): u32 {
  if (!isType(s, T_SET)) return 0;
  let r = mkSet();
  for (let i: u32 = 0; i < collLen(s); i++) {
    r = bi_or(r, setAt(s, i));
    if (r == 0) return 0;
  }
  return r;
}

export function bi_is_null(v: u32): u32 {
  return mkBool(isType(v, T_NULL));
}
export function bi_is_boolean(v: u32): u32 {
  return mkBool(isType(v, T_BOOL));
}
export function bi_is_number(v: u32): u32 {
  return mkBool(isType(v, T_NUMBER));
}
export function bi_is_string(v: u32): u32 {
  return mkBool(isType(v, T_STRING));
}
export function bi_is_array(v: u32): u32 {
  return mkBool(isType(v, T_ARRAY));
}
export function bi_is_object(v: u32): u32 {
  return mkBool(isType(v, T_OBJECT));
}
export function bi_is_set(v: u32): u32 {
  return mkBool(isType(v, T_SET));
}

export function bi_type_name(v: u32): u32 {
  const t = load<u8>(v);
  if (t == T_NULL) return strFromAscii('null');
  if (t == T_BOOL) return strFromAscii('boolean');
  if (t == T_NUMBER) return strFromAscii('number');
  if (t == T_STRING) return strFromAscii('string');
  if (t == T_ARRAY) return strFromAscii('array');
  if (t == T_OBJECT) return strFromAscii('object');
  return strFromAscii('set');
}

/** count: code points of a string, elements of a collection. */
export function bi_count(v: u32): u32 {
  const t = load<u8>(v);
  if (t == T_STRING) return mkInt(<i64>utf8Count(strPtr(v), strLen(v)));
  if (t == T_ARRAY || t == T_OBJECT || t == T_SET) return mkInt(<i64>collLen(v));
  return 0;
}

/** Element i of an array or set (for aggregates over either). */
function elemAt(c: u32, i: u32): u32 {
  return arrayAt(c, i);
}

function isArrOrSet(v: u32): bool {
  return isType(v, T_ARRAY) || isType(v, T_SET);
}

export function bi_sum(c: u32): u32 {
  if (!isArrOrSet(c)) return 0;
  let acc = mkInt(0);
  for (let i: u32 = 0; i < collLen(c); i++) {
    const v = elemAt(c, i);
    if (!isType(v, T_NUMBER)) return 0;
    acc = numAdd(acc, v, false);
  }
  return acc;
}

export function bi_product(c: u32): u32 {
  if (!isArrOrSet(c)) return 0;
  let acc = mkInt(1);
  for (let i: u32 = 0; i < collLen(c); i++) {
    const v = elemAt(c, i);
    if (!isType(v, T_NUMBER)) return 0;
    acc = numMul(acc, v);
  }
  return acc;
}

function extreme(c: u32, wantMax: bool): u32 {
  if (!isArrOrSet(c)) return 0;
  const n = collLen(c);
  if (n == 0) return 0;
  let best = elemAt(c, 0);
  for (let i: u32 = 1; i < n; i++) {
    const v = elemAt(c, i);
    const d = compare(v, best);
    if (wantMax ? d > 0 : d < 0) best = v;
  }
  return best;
}

export function bi_max(c: u32): u32 {
  return extreme(c, true);
}
export function bi_min(c: u32): u32 {
  return extreme(c, false);
}

/** sort: array or set to a sorted array (stable insertion into a fresh array). */
export function bi_sort(c: u32): u32 {
  if (!isArrOrSet(c)) return 0;
  const n = collLen(c);
  const r = mkArray(n);
  if (isType(c, T_SET)) {
    for (let i: u32 = 0; i < n; i++) arrayAppend(r, setAt(c, i));
    return r;
  }
  for (let i: u32 = 0; i < n; i++) arrayAppend(r, arrayAt(c, i));
  sortValues(load<u32>(r, 12), n);
  return r;
}

/** Sorts n u32 value pointers at p in place (stable bottom-up merge sort). */
function sortValues(p: u32, n: u32): void {
  if (n < 2) return;
  let src = p;
  let dst = alloc(n * 4);
  for (let width: u32 = 1; width < n; width *= 2) {
    for (let lo: u32 = 0; lo < n; lo += 2 * width) {
      const mid = lo + width < n ? lo + width : n;
      const hi = lo + 2 * width < n ? lo + 2 * width : n;
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        const takeA = a < mid && (b >= hi || compare(load<u32>(src + a * 4), load<u32>(src + b * 4)) <= 0);
        store<u32>(dst + k * 4, load<u32>(src + (takeA ? a++ : b++) * 4));
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != p) memory.copy(p, src, n * 4);
}

/** x in coll: x is an element of an array or set, or a value of an object. */
export function bi_internal__member_2(x: u32, c: u32): u32 {
  const t = load<u8>(c);
  if (t == T_SET) return mkBool(setFind(c, x) >= 0);
  if (t == T_ARRAY) {
    for (let i: u32 = 0; i < collLen(c); i++) if (compare(arrayAt(c, i), x) == 0) return mkBool(true);
    return mkBool(false);
  }
  if (t == T_OBJECT) {
    for (let i: u32 = 0; i < collLen(c); i++) if (compare(objValAt(c, i), x) == 0) return mkBool(true);
    return mkBool(false);
  }
  return mkBool(false);
}

/** k, v in coll: coll[k] == v. */
export function bi_internal__member_3(k: u32, v: u32, c: u32): u32 {
  const t = load<u8>(c);
  if (t != T_ARRAY && t != T_OBJECT && t != T_SET) return mkBool(false);
  const got = valueGet(c, k);
  return mkBool(got != 0 && compare(got, v) == 0);
}
