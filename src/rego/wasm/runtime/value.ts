// OPA value model in linear memory. The emitter writes constants with the same
// layout (see ../layout.ts); keep both in step.
//
//   null    8 bytes   u8 tag=1
//   boolean 8 bytes   u8 tag=2, u8 value at +1
//   number  16 bytes  u8 tag=3, u8 repr at +1 (0 = i64 at +8, 1 = decimal text:
//                     u32 len at +4, u32 ptr at +8, kept exactly as written)
//   string  12 bytes  u8 tag=4, u32 byte length at +4, u32 ptr to UTF-8 at +8
//   array   16 bytes  u8 tag=5, u32 len at +4, u32 cap at +8, u32 ptr at +12 to u32 elems
//   object  16 bytes  u8 tag=6, same header; entries are (u32 key, u32 value),
//                     kept sorted by key in OPA's value order
//   set     16 bytes  u8 tag=7, same header; u32 elements kept sorted, unique
//
// Sorted objects and sets give deterministic iteration and dump order (the
// order OPA's Go evaluator prints) and linear-time comparison. Address 0 is
// "undefined".

import { alloc, realloc } from './alloc';
import { compare } from './compare';
import { numToI64, numI64 } from './number';

export const T_NULL: u8 = 1;
export const T_BOOL: u8 = 2;
export const T_NUMBER: u8 = 3;
export const T_STRING: u8 = 4;
export const T_ARRAY: u8 = 5;
export const T_OBJECT: u8 = 6;
export const T_SET: u8 = 7;

export const NULL_V: u32 = <u32>memory.data<u8>([1, 0, 0, 0, 0, 0, 0, 0], 8);
export const FALSE_V: u32 = <u32>memory.data<u8>([2, 0, 0, 0, 0, 0, 0, 0], 8);
export const TRUE_V: u32 = <u32>memory.data<u8>([2, 1, 0, 0, 0, 0, 0, 0], 8);

export function tag(v: u32): u8 {
  return load<u8>(v);
}

export function mkBool(b: bool): u32 {
  return b ? TRUE_V : FALSE_V;
}

export function boolOf(v: u32): bool {
  return load<u8>(v, 1) != 0;
}

export function mkInt(x: i64): u32 {
  const p = alloc(16);
  store<u32>(p, T_NUMBER);
  store<u32>(p, 0, 4);
  store<i64>(p, x, 8);
  return p;
}

/** Number from decimal text at ptr (not copied; must stay alive). */
export function mkNumText(ptr: u32, len: u32): u32 {
  const p = alloc(16);
  store<u32>(p, (<u32>T_NUMBER) | (1 << 8));
  store<u32>(p, len, 4);
  store<u32>(p, ptr, 8);
  return p;
}

export function mkString(ptr: u32, len: u32): u32 {
  const p = alloc(12);
  store<u32>(p, T_STRING);
  store<u32>(p, len, 4);
  store<u32>(p, ptr, 8);
  return p;
}

/** Copies len bytes at src into a fresh string value. */
export function mkStringCopy(src: u32, len: u32): u32 {
  const b = alloc(len);
  memory.copy(b, src, len);
  return mkString(b, len);
}

export function strLen(v: u32): u32 {
  return load<u32>(v, 4);
}

export function strPtr(v: u32): u32 {
  return load<u32>(v, 8);
}

function mkColl(t: u8, cap: u32, elemSize: u32): u32 {
  const p = alloc(16);
  store<u32>(p, t);
  store<u32>(p, 0, 4);
  store<u32>(p, cap, 8);
  store<u32>(p, cap > 0 ? alloc(cap * elemSize) : 0, 12);
  return p;
}

export function mkArray(cap: u32): u32 {
  return mkColl(T_ARRAY, cap, 4);
}

export function mkObject(): u32 {
  return mkColl(T_OBJECT, 0, 8);
}

export function mkSet(): u32 {
  return mkColl(T_SET, 0, 4);
}

export function collLen(v: u32): u32 {
  return load<u32>(v, 4);
}

export function collData(v: u32): u32 {
  return load<u32>(v, 12);
}

/** Makes room for one more element of elemSize bytes. */
function reserve(c: u32, elemSize: u32): void {
  const len = load<u32>(c, 4);
  const cap = load<u32>(c, 8);
  if (len < cap) return;
  const ncap = cap < 4 ? 4 : cap * 2;
  store<u32>(c, realloc(load<u32>(c, 12), cap * elemSize, ncap * elemSize), 12);
  store<u32>(c, ncap, 8);
}

export function arrayAppend(a: u32, v: u32): void {
  reserve(a, 4);
  const len = load<u32>(a, 4);
  store<u32>(load<u32>(a, 12) + len * 4, v);
  store<u32>(a, len + 1, 4);
}

export function arrayAt(a: u32, i: u32): u32 {
  return load<u32>(load<u32>(a, 12) + i * 4);
}

export function setAt(s: u32, i: u32): u32 {
  return load<u32>(load<u32>(s, 12) + i * 4);
}

export function objKeyAt(o: u32, i: u32): u32 {
  return load<u32>(load<u32>(o, 12) + i * 8);
}

export function objValAt(o: u32, i: u32): u32 {
  return load<u32>(load<u32>(o, 12) + i * 8 + 4);
}

/**
 * Binary search in a sorted collection with stride bytes per entry (key first).
 * Returns the index when found, else -(insertion point) - 1.
 */
function search(c: u32, stride: u32, key: u32): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>load<u32>(c, 4) - 1;
  const data = load<u32>(c, 12);
  // Appending in order is the common case (JSON input, comprehensions).
  if (hi >= 0) {
    const last = compare(load<u32>(data + <u32>hi * stride), key);
    if (last < 0) return -(hi + 1) - 1;
    if (last == 0) return hi;
  }
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c0 = compare(load<u32>(data + <u32>mid * stride), key);
    if (c0 == 0) return mid;
    if (c0 < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

function insertAt(c: u32, stride: u32, at: u32): u32 {
  reserve(c, stride);
  const len = load<u32>(c, 4);
  const data = load<u32>(c, 12);
  const p = data + at * stride;
  if (at < len) memory.copy(p + stride, p, (len - at) * stride);
  store<u32>(c, len + 1, 4);
  return p;
}

export function setFind(s: u32, v: u32): i32 {
  return search(s, 4, v);
}

export function setAdd(s: u32, v: u32): void {
  const i = search(s, 4, v);
  if (i >= 0) return;
  store<u32>(insertAt(s, 4, <u32>(-i - 1)), v);
}

export function objFind(o: u32, k: u32): i32 {
  return search(o, 8, k);
}

export function objGet(o: u32, k: u32): u32 {
  const i = search(o, 8, k);
  return i < 0 ? 0 : objValAt(o, <u32>i);
}

/** Inserts or overwrites k. */
export function objInsert(o: u32, k: u32, v: u32): void {
  const i = search(o, 8, k);
  if (i >= 0) {
    store<u32>(load<u32>(o, 12) + <u32>i * 8 + 4, v);
    return;
  }
  const p = insertAt(o, 8, <u32>(-i - 1));
  store<u32>(p, k);
  store<u32>(p, v, 4);
}

/** Removes key k if present. */
export function objRemove(o: u32, k: u32): void {
  const i = search(o, 8, k);
  if (i < 0) return;
  const len = load<u32>(o, 4);
  const p = load<u32>(o, 12) + <u32>i * 8;
  memory.copy(p, p + 8, (len - <u32>i - 1) * 8);
  store<u32>(o, len - 1, 4);
}

/** OPA's value_get: object by key, array by integer index, set membership. 0 if absent. */
export function valueGet(src: u32, key: u32): u32 {
  if (src == 0 || key == 0) return 0;
  const t = tag(src);
  if (t == T_OBJECT) return objGet(src, key);
  if (t == T_SET) {
    const i = setFind(src, key);
    return i < 0 ? 0 : setAt(src, <u32>i);
  }
  if (t == T_ARRAY) {
    if (tag(key) != T_NUMBER || !numToI64(key)) return 0;
    const idx = numI64;
    if (idx < 0 || idx >= <i64>collLen(src)) return 0;
    return arrayAt(src, <u32>idx);
  }
  return 0;
}

/** Element count of a collection, byte length of a string, 0 otherwise. */
export function valueLength(v: u32): u32 {
  if (v == 0) return 0;
  const t = tag(v);
  if (t >= T_ARRAY) return collLen(v);
  if (t == T_STRING) return strLen(v);
  return 0;
}

/** Shallow copy of a collection (fresh header and element storage). */
export function shallowCopy(v: u32): u32 {
  const t = tag(v);
  if (t < T_ARRAY) return v;
  const stride: u32 = t == T_OBJECT ? 8 : 4;
  const len = collLen(v);
  const c = mkColl(t, len, stride);
  if (len > 0) memory.copy(collData(c), collData(v), len * stride);
  store<u32>(c, len, 4);
  return c;
}
