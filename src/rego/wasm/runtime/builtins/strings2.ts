// More native string built-ins: any_prefix/suffix_match, strings.count,
// strings.replace_n, format_int, and numbers.range.

import { alloc } from '../alloc';
import { numToI64, numI64, decOf, decToInteger, decToNum } from '../number';
import { bytesIndexOf } from '../strutil';
import {
  T_STRING,
  T_ARRAY,
  T_SET,
  T_OBJECT,
  T_NUMBER,
  mkBool,
  mkInt,
  mkString,
  mkArray,
  arrayAppend,
  arrayAt,
  collLen,
  strLen,
  strPtr,
  objKeyAt,
  objValAt,
} from '../value';

/** Strings of a string, array or set argument (an array value); 0 if any element is not a string. */
function stringsOf(v: u32): u32 {
  const t = load<u8>(v);
  const r = mkArray(0);
  if (t == T_STRING) {
    arrayAppend(r, v);
    return r;
  }
  if (t != T_ARRAY && t != T_SET) return 0;
  for (let i: u32 = 0; i < collLen(v); i++) {
    const e = arrayAt(v, i);
    if (load<u8>(e) != T_STRING) return 0;
    arrayAppend(r, e);
  }
  return r;
}

function anyMatch(search: u32, base: u32, suffix: bool): u32 {
  const a = stringsOf(search);
  const b = stringsOf(base);
  if (a == 0 || b == 0) return 0;
  for (let i: u32 = 0; i < collLen(a); i++) {
    const s = arrayAt(a, i);
    for (let j: u32 = 0; j < collLen(b); j++) {
      const p = arrayAt(b, j);
      const n = strLen(p);
      if (n > strLen(s)) continue;
      const at = suffix ? strPtr(s) + strLen(s) - n : strPtr(s);
      if (memory.compare(at, strPtr(p), n) == 0) return mkBool(true);
    }
  }
  return mkBool(false);
}

export function bi_strings__any_prefix_match(search: u32, base: u32): u32 {
  return anyMatch(search, base, false);
}

export function bi_strings__any_suffix_match(search: u32, base: u32): u32 {
  return anyMatch(search, base, true);
}

/** Non-overlapping occurrences of sub in s (Go strings.Count; empty sub counts code points + 1). */
export function bi_strings__count(s: u32, sub: u32): u32 {
  if (load<u8>(s) != T_STRING || load<u8>(sub) != T_STRING) return 0;
  const n = strLen(sub);
  if (n == 0) {
    let c: i64 = 1;
    for (let i: u32 = 0; i < strLen(s); i++) if ((load<u8>(strPtr(s) + i) & 0xc0) != 0x80) c++;
    return mkInt(c);
  }
  let c: i64 = 0;
  let from: u32 = 0;
  while (true) {
    const i = bytesIndexOf(strPtr(s), strLen(s), strPtr(sub), n, from);
    if (i < 0) break;
    c++;
    from = <u32>i + n;
  }
  return mkInt(c);
}

/**
 * strings.replace_n(patterns, s): replaces every key of the patterns object with its
 * value, scanning s once left to right (Go strings.Replacer; keys tried in sorted order).
 */
export function bi_strings__replace_n(patterns: u32, s: u32): u32 {
  if (load<u8>(patterns) != T_OBJECT || load<u8>(s) != T_STRING) return 0;
  const np = collLen(patterns);
  for (let k: u32 = 0; k < np; k++) {
    if (load<u8>(objKeyAt(patterns, k)) != T_STRING || load<u8>(objValAt(patterns, k)) != T_STRING) return 0;
  }
  const p = strPtr(s);
  const n = strLen(s);
  let cap: u32 = n + 16;
  let out = alloc(cap);
  let len: u32 = 0;
  let i: u32 = 0;
  while (i <= n) {
    let matched = false;
    for (let k: u32 = 0; k < np; k++) {
      const key = objKeyAt(patterns, k);
      const kn = strLen(key);
      if (kn == 0 || i + kn > n || memory.compare(p + i, strPtr(key), kn) != 0) continue;
      const val = objValAt(patterns, k);
      const vn = strLen(val);
      if (len + vn > cap) {
        const ncap = (len + vn) * 2 + 16;
        const o2 = alloc(ncap);
        memory.copy(o2, out, len);
        out = o2;
        cap = ncap;
      }
      memory.copy(out + len, strPtr(val), vn);
      len += vn;
      i += kn;
      matched = true;
      break;
    }
    if (matched) continue;
    if (i == n) break;
    if (len + 1 > cap) {
      const ncap = cap * 2 + 16;
      const o2 = alloc(ncap);
      memory.copy(o2, out, len);
      out = o2;
      cap = ncap;
    }
    store<u8>(out + len, load<u8>(p + i));
    len++;
    i++;
  }
  return mkString(out, len);
}

const DIGITS = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

/** format_int(number, base): the number truncated toward zero, in base 2, 8, 10 or 16. */
export function bi_format_int(v: u32, b: u32): u32 {
  if (load<u8>(v) != T_NUMBER || !numToI64(b)) return 0;
  const base = numI64;
  if (base != 2 && base != 8 && base != 10 && base != 16) return 0;
  let iv = v;
  if (!numToI64(iv)) {
    iv = decToNum(decToInteger(decOf(v), 3));
    if (!numToI64(iv)) return 0;
  }
  let x = numI64;
  const neg = x < 0;
  let u: u64 = neg ? <u64>-x : <u64>x;
  const buf = alloc(66);
  let q = buf + 66;
  do {
    q--;
    store<u8>(q, load<u8>(<u32>DIGITS + <u32>(u % <u64>base)));
    u /= <u64>base;
  } while (u > 0);
  if (neg) {
    q--;
    store<u8>(q, 45);
  }
  return mkString(q, buf + 66 - q);
}

/** numbers.range(a, b): integers from a to b inclusive, counting down when b < a. */
export function bi_numbers__range(a: u32, b: u32): u32 {
  if (!numToI64(a)) return 0;
  const x = numI64;
  if (!numToI64(b)) return 0;
  const y = numI64;
  const r = mkArray(0);
  if (x <= y) for (let i = x; i <= y; i++) arrayAppend(r, mkInt(i));
  else for (let i = x; i >= y; i--) arrayAppend(r, mkInt(i));
  return r;
}
