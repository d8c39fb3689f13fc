// Native string built-ins. Indexes and lengths in Rego are code points.

import { alloc, heapSet } from '../alloc';
import { compare } from '../compare';
import { numToI64, numI64, textToI64, decFromText, decToNum } from '../number';
import { utf8Count, utf8Offset, bytesIndexOf } from '../strutil';
import { decodeRune, decodeLastRune, encodeRune, runeSize } from '../utf8';
import { toUpperRune, toLowerRune, isSpaceRune } from '../unicase';
import {
  T_STRING,
  T_ARRAY,
  T_SET,
  T_NUMBER,
  T_BOOL,
  T_NULL,
  mkBool,
  mkInt,
  mkString,
  mkArray,
  arrayAppend,
  arrayAt,
  setAt,
  collLen,
  strLen,
  strPtr,
  mkStringCopy,
} from '../value';

function isStr(v: u32): bool {
  return load<u8>(v) == T_STRING;
}

export function bi_startswith(s: u32, p: u32): u32 {
  if (!isStr(s) || !isStr(p)) return 0;
  const n = strLen(p);
  return mkBool(n <= strLen(s) && memory.compare(strPtr(s), strPtr(p), n) == 0);
}

export function bi_endswith(s: u32, p: u32): u32 {
  if (!isStr(s) || !isStr(p)) return 0;
  const n = strLen(p);
  const m = strLen(s);
  return mkBool(n <= m && memory.compare(strPtr(s) + m - n, strPtr(p), n) == 0);
}

export function bi_contains(s: u32, p: u32): u32 {
  if (!isStr(s) || !isStr(p)) return 0;
  return mkBool(bytesIndexOf(strPtr(s), strLen(s), strPtr(p), strLen(p), 0) >= 0);
}

/** indexof: code point index of the first match, -1 if none. */
export function bi_indexof(s: u32, p: u32): u32 {
  if (!isStr(s) || !isStr(p)) return 0;
  const i = bytesIndexOf(strPtr(s), strLen(s), strPtr(p), strLen(p), 0);
  if (i < 0) return mkInt(-1);
  return mkInt(<i64>utf8Count(strPtr(s), <u32>i));
}

export function bi_indexof_n(s: u32, p: u32): u32 {
  if (!isStr(s) || !isStr(p)) return 0;
  const r = mkArray(0);
  const n = strLen(p);
  let from: u32 = 0;
  while (true) {
    const i = bytesIndexOf(strPtr(s), strLen(s), strPtr(p), n, from);
    if (i < 0) break;
    arrayAppend(r, mkInt(<i64>utf8Count(strPtr(s), <u32>i)));
    from = <u32>i + (n == 0 ? 1 : n);
    if (from > strLen(s)) break;
  }
  return r;
}

/** Whether the n bytes at p are all ASCII. */
function isAscii(p: u32, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) >= 0x80) return false;
  return true;
}

/**
 * Go's strings.ToUpper / ToLower: ASCII bytes in place, other runes through the Unicode
 * simple case mapping; an invalid UTF-8 byte becomes U+FFFD, as Go's strings.Map writes it.
 */
function mapCase(s: u32, upper: bool): u32 {
  if (!isStr(s)) return 0;
  const n = strLen(s);
  const src = strPtr(s);
  if (isAscii(src, n)) {
    const p = alloc(n);
    for (let i: u32 = 0; i < n; i++) {
      let c = load<u8>(src + i);
      if (upper && c >= 97 && c <= 122) c -= 32;
      else if (!upper && c >= 65 && c <= 90) c += 32;
      store<u8>(p + i, c);
    }
    return mkString(p, n);
  }
  // Worst case 3 bytes out per byte in (an invalid byte becomes U+FFFD); trimmed after.
  const p = alloc(n * 3);
  let w: u32 = 0;
  const end = src + n;
  for (let q = src; q < end; q += runeSize) {
    const r = decodeRune(q, end);
    w += encodeRune(p + w, upper ? toUpperRune(r) : toLowerRune(r));
  }
  heapSet(p + w);
  return mkString(p, w);
}

export function bi_lower(s: u32): u32 {
  return mapCase(s, false);
}
export function bi_upper(s: u32): u32 {
  return mapCase(s, true);
}

/** substring(s, start, length): code points; length < 0 means to the end. */
export function bi_substring(s: u32, st: u32, ln: u32): u32 {
  if (!isStr(s) || !numToI64(st)) return 0;
  const start = numI64;
  if (!numToI64(ln)) return 0;
  const len = numI64;
  if (start < 0) return 0;
  const n = strLen(s);
  const p = strPtr(s);
  const total = <i64>utf8Count(p, n);
  if (start >= total) return mkString(p, 0);
  const b0 = utf8Offset(p, n, <u32>start);
  const b1 = len < 0 || start + len >= total ? n : utf8Offset(p, n, <u32>(start + len));
  return mkString(p + b0, b1 - b0);
}

function concatInto(sep: u32, c: u32, get: (c: u32, i: u32) => u32): u32 {
  const n = collLen(c);
  let total: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const e = get(c, i);
    if (!isStr(e)) return 0;
    total += strLen(e) + (i > 0 ? strLen(sep) : 0);
  }
  const p = alloc(total);
  let q = p;
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) {
      memory.copy(q, strPtr(sep), strLen(sep));
      q += strLen(sep);
    }
    const e = get(c, i);
    memory.copy(q, strPtr(e), strLen(e));
    q += strLen(e);
  }
  return mkString(p, total);
}

export function bi_concat(sep: u32, c: u32): u32 {
  if (!isStr(sep)) return 0;
  const t = load<u8>(c);
  if (t == T_ARRAY) return concatInto(sep, c, (c: u32, i: u32): u32 => arrayAt(c, i));
  if (t == T_SET) return concatInto(sep, c, (c: u32, i: u32): u32 => setAt(c, i));
  return 0;
}

export function bi_split(s: u32, d: u32): u32 {
  if (!isStr(s) || !isStr(d)) return 0;
  const r = mkArray(0);
  const p = strPtr(s);
  const n = strLen(s);
  const dn = strLen(d);
  if (dn == 0) {
    // Go's strings.Split with an empty separator splits into code points.
    let i: u32 = 0;
    while (i < n) {
      let j = i + 1;
      while (j < n && (load<u8>(p + j) & 0xc0) == 0x80) j++;
      arrayAppend(r, mkString(p + i, j - i));
      i = j;
    }
    return r;
  }
  let from: u32 = 0;
  while (true) {
    const i = bytesIndexOf(p, n, strPtr(d), dn, from);
    if (i < 0) break;
    arrayAppend(r, mkString(p + from, <u32>i - from));
    from = <u32>i + dn;
  }
  arrayAppend(r, mkString(p + from, n - from));
  return r;
}

/** Replaces up to max (-1 = all) occurrences of old with new. */
function replaceN(s: u32, o: u32, w: u32, max: i64): u32 {
  const p = strPtr(s);
  const n = strLen(s);
  const on = strLen(o);
  if (on == 0) return s;
  let count: i64 = 0;
  let from: u32 = 0;
  // first pass: measure
  let total: u32 = 0;
  while (max < 0 || count < max) {
    const i = bytesIndexOf(p, n, strPtr(o), on, from);
    if (i < 0) break;
    total += <u32>i - from + strLen(w);
    from = <u32>i + on;
    count++;
  }
  total += n - from;
  const out = alloc(total);
  let q = out;
  from = 0;
  for (let k: i64 = 0; k < count; k++) {
    const i = <u32>bytesIndexOf(p, n, strPtr(o), on, from);
    memory.copy(q, p + from, i - from);
    q += i - from;
    memory.copy(q, strPtr(w), strLen(w));
    q += strLen(w);
    from = i + on;
  }
  memory.copy(q, p + from, n - from);
  return mkString(out, total);
}

export function bi_replace(s: u32, o: u32, w: u32): u32 {
  if (!isStr(s) || !isStr(o) || !isStr(w)) return 0;
  return replaceN(s, o, w, -1);
}

/** Whether rune r occurs in the cutset string (runes decoded as Go does; clobbers runeSize). */
function inCutset(cs: u32, r: u32): bool {
  const p = strPtr(cs);
  const end = p + strLen(cs);
  if (r < 0x80) {
    for (let q = p; q < end; q++) if (<u32>load<u8>(q) == r) return true;
    return false;
  }
  for (let q = p; q < end; q += runeSize) if (decodeRune(q, end) == r) return true;
  return false;
}

/** Go's strings.Trim / TrimLeft / TrimRight: the cutset is a set of runes. */
function trimWith(s: u32, cs: u32, left: bool, right: bool): u32 {
  if (!isStr(s) || !isStr(cs)) return 0;
  let a = strPtr(s);
  let b = a + strLen(s);
  if (strLen(cs) == 0) return s;
  while (left && a < b) {
    const r = decodeRune(a, b);
    const size = runeSize;
    if (!inCutset(cs, r)) break;
    a += size;
  }
  while (right && b > a) {
    const r = decodeLastRune(a, b);
    const size = runeSize;
    if (!inCutset(cs, r)) break;
    b -= size;
  }
  return mkString(a, b - a);
}

export function bi_trim(s: u32, c: u32): u32 {
  return trimWith(s, c, true, true);
}
export function bi_trim_left(s: u32, c: u32): u32 {
  return trimWith(s, c, true, false);
}
export function bi_trim_right(s: u32, c: u32): u32 {
  return trimWith(s, c, false, true);
}

/** Go's strings.TrimSpace: leading and trailing runes with unicode.IsSpace. */
export function bi_trim_space(s: u32): u32 {
  if (!isStr(s)) return 0;
  let a = strPtr(s);
  let b = a + strLen(s);
  while (a < b && isSpaceRune(decodeRune(a, b))) a += runeSize;
  while (b > a && isSpaceRune(decodeLastRune(a, b))) b -= runeSize;
  return mkString(a, b - a);
}

export function bi_trim_prefix(s: u32, p: u32): u32 {
  if (!isStr(s) || !isStr(p)) return 0;
  const n = strLen(p);
  if (n <= strLen(s) && memory.compare(strPtr(s), strPtr(p), n) == 0) return mkString(strPtr(s) + n, strLen(s) - n);
  return s;
}

export function bi_trim_suffix(s: u32, p: u32): u32 {
  if (!isStr(s) || !isStr(p)) return 0;
  const n = strLen(p);
  const m = strLen(s);
  if (n <= m && memory.compare(strPtr(s) + m - n, strPtr(p), n) == 0) return mkString(strPtr(s), m - n);
  return s;
}

/** strings.reverse: reverses code points. */
export function bi_strings__reverse(s: u32): u32 {
  if (!isStr(s)) return 0;
  const n = strLen(s);
  const p = strPtr(s);
  const out = alloc(n);
  let i: u32 = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && (load<u8>(p + j) & 0xc0) == 0x80) j++;
    memory.copy(out + n - j, p + i, j - i);
    i = j;
  }
  return mkString(out, n);
}

/** to_number: numbers pass, strings parse (no NaN/Inf), booleans 0/1, null 0. */
export function bi_to_number(v: u32): u32 {
  const t = load<u8>(v);
  if (t == T_NUMBER) return v;
  if (t == T_NULL) return mkInt(0);
  if (t == T_BOOL) return mkInt(load<u8>(v, 1) != 0 ? 1 : 0);
  if (t != T_STRING) return 0;
  const p = strPtr(v);
  const n = strLen(v);
  if (textToI64(p, n)) return mkInt(numI64);
  if (!validNumberText(p, n)) return 0;
  const d = decFromText(p, n);
  return d == 0 ? 0 : decToNum(d);
}

/** Go ParseFloat-like syntax without NaN/Inf: [+-]digits[.digits][e[+-]digits]. */
function validNumberText(p: u32, n: u32): bool {
  let i: u32 = 0;
  if (i < n && (load<u8>(p) == 43 || load<u8>(p) == 45)) i++;
  let digits = false;
  while (i < n && load<u8>(p + i) >= 48 && load<u8>(p + i) <= 57) {
    i++;
    digits = true;
  }
  if (i < n && load<u8>(p + i) == 46) {
    i++;
    while (i < n && load<u8>(p + i) >= 48 && load<u8>(p + i) <= 57) {
      i++;
      digits = true;
    }
  }
  if (!digits) return false;
  if (i < n && (load<u8>(p + i) == 101 || load<u8>(p + i) == 69)) {
    i++;
    if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) i++;
    let ed = false;
    while (i < n && load<u8>(p + i) >= 48 && load<u8>(p + i) <= 57) {
      i++;
      ed = true;
    }
    if (!ed) return false;
  }
  return i == n;
}
