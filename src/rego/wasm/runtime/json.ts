// JSON (and Rego value literal) parser. Returns 0 on any syntax error.
// Strings without escapes and number texts point into the source buffer, which
// the caller must keep alive (the SDK never frees it; it lives below the heap
// pointer it saved). Duplicate object keys keep the last value.

import { alloc } from './alloc';
import {
  NULL_V,
  TRUE_V,
  FALSE_V,
  mkInt,
  mkNumText,
  mkString,
  mkArray,
  mkObject,
  mkSet,
  arrayAppend,
  objInsert,
  setAdd,
} from './value';
import { numI64, textToI64 } from './number';

const MAX_DEPTH: i32 = 2048;

let pos: u32 = 0;
let end: u32 = 0;
let regoSyntax: bool = false;
let depth: i32 = 0;

export function parseJson(p: u32, len: u32, rego: bool): u32 {
  pos = p;
  end = p + len;
  regoSyntax = rego;
  depth = 0;
  const v = parseValue();
  if (v == 0) return 0;
  skipWs();
  return pos == end ? v : 0;
}

function skipWs(): void {
  while (pos < end) {
    const c = load<u8>(pos);
    if (c != 32 && c != 9 && c != 10 && c != 13) return;
    pos++;
  }
}

function literal(word: string): bool {
  const n = <u32>word.length;
  if (end - pos < n) return false;
  for (let i: u32 = 0; i < n; i++) if (load<u8>(pos + i) != <u8>word.charCodeAt(i)) return false;
  pos += n;
  return true;
}

function parseValue(): u32 {
  skipWs();
  if (pos >= end) return 0;
  const c = load<u8>(pos);
  if (c == 34) return parseString();
  if (c == 123) return parseObject();
  if (c == 91) return parseArray();
  if (c == 45 || (c >= 48 && c <= 57)) return parseNumber();
  if (literal('null')) return NULL_V;
  if (literal('true')) return TRUE_V;
  if (literal('false')) return FALSE_V;
  if (regoSyntax && literal('set()')) return mkSet();
  return 0;
}

function parseNumber(): u32 {
  const start = pos;
  if (load<u8>(pos) == 45) pos++;
  if (pos >= end) return 0;
  let c = load<u8>(pos);
  if (c == 48) pos++;
  else if (c >= 49 && c <= 57) {
    while (pos < end && isDigit(load<u8>(pos))) pos++;
  } else return 0;
  let integral = true;
  if (pos < end && load<u8>(pos) == 46) {
    integral = false;
    pos++;
    if (pos >= end || !isDigit(load<u8>(pos))) return 0;
    while (pos < end && isDigit(load<u8>(pos))) pos++;
  }
  if (pos < end && (load<u8>(pos) == 101 || load<u8>(pos) == 69)) {
    integral = false;
    pos++;
    if (pos < end && (load<u8>(pos) == 43 || load<u8>(pos) == 45)) pos++;
    if (pos >= end || !isDigit(load<u8>(pos))) return 0;
    while (pos < end && isDigit(load<u8>(pos))) pos++;
  }
  const len = pos - start;
  if (integral && textToI64(start, len)) return mkInt(numI64);
  return mkNumText(start, len);
}

function isDigit(c: u8): bool {
  return c >= 48 && c <= 57;
}

function hexVal(c: u8): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function read4Hex(p: u32): i32 {
  if (p + 4 > end) return -1;
  let v: i32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    const h = hexVal(load<u8>(p + i));
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

/** Writes code point cp as UTF-8 at q; returns the end. */
export function putUtf8(q: u32, cp: i32): u32 {
  if (cp < 0x80) {
    store<u8>(q, <u8>cp);
    return q + 1;
  }
  if (cp < 0x800) {
    store<u8>(q, <u8>(0xc0 | (cp >> 6)));
    store<u8>(q + 1, <u8>(0x80 | (cp & 63)));
    return q + 2;
  }
  if (cp < 0x10000) {
    store<u8>(q, <u8>(0xe0 | (cp >> 12)));
    store<u8>(q + 1, <u8>(0x80 | ((cp >> 6) & 63)));
    store<u8>(q + 2, <u8>(0x80 | (cp & 63)));
    return q + 3;
  }
  store<u8>(q, <u8>(0xf0 | (cp >> 18)));
  store<u8>(q + 1, <u8>(0x80 | ((cp >> 12) & 63)));
  store<u8>(q + 2, <u8>(0x80 | ((cp >> 6) & 63)));
  store<u8>(q + 3, <u8>(0x80 | (cp & 63)));
  return q + 4;
}

function parseString(): u32 {
  pos++;
  const start = pos;
  let escaped = false;
  while (pos < end) {
    const c = load<u8>(pos);
    if (c == 34) break;
    if (c < 0x20) return 0;
    if (c == 92) {
      escaped = true;
      pos++;
    }
    pos++;
  }
  if (pos >= end) return 0;
  const rawEnd = pos;
  pos++;
  if (!escaped) return mkString(start, rawEnd - start);
  const buf = alloc(rawEnd - start);
  let q = buf;
  let p = start;
  while (p < rawEnd) {
    const c = load<u8>(p);
    if (c != 92) {
      store<u8>(q++, c);
      p++;
      continue;
    }
    const e = load<u8>(p + 1);
    p += 2;
    if (e == 34 || e == 92 || e == 47) store<u8>(q++, e);
    else if (e == 98) store<u8>(q++, 8);
    else if (e == 102) store<u8>(q++, 12);
    else if (e == 110) store<u8>(q++, 10);
    else if (e == 114) store<u8>(q++, 13);
    else if (e == 116) store<u8>(q++, 9);
    else if (e == 117) {
      let cp = read4Hex(p);
      if (cp < 0) return 0;
      p += 4;
      if (cp >= 0xd800 && cp < 0xdc00 && p + 1 < rawEnd && load<u8>(p) == 92 && load<u8>(p + 1) == 117) {
        const lo = read4Hex(p + 2);
        if (lo >= 0xdc00 && lo < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          p += 6;
        }
      }
      if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
      q = putUtf8(q, cp);
    } else return 0;
  }
  return mkString(buf, q - buf);
}

function parseArray(): u32 {
  pos++;
  if (++depth > MAX_DEPTH) return 0;
  const a = mkArray(0);
  skipWs();
  if (pos < end && load<u8>(pos) == 93) {
    pos++;
    depth--;
    return a;
  }
  while (true) {
    const v = parseValue();
    if (v == 0) return 0;
    arrayAppend(a, v);
    skipWs();
    if (pos >= end) return 0;
    const c = load<u8>(pos++);
    if (c == 93) break;
    if (c != 44) return 0;
  }
  depth--;
  return a;
}

function parseObject(): u32 {
  pos++;
  if (++depth > MAX_DEPTH) return 0;
  skipWs();
  if (pos < end && load<u8>(pos) == 125) {
    pos++;
    depth--;
    return mkObject();
  }
  let obj: u32 = 0;
  let set: u32 = 0;
  while (true) {
    skipWs();
    if (pos >= end) return 0;
    const k = regoSyntax ? parseValue() : load<u8>(pos) == 34 ? parseString() : 0;
    if (k == 0) return 0;
    skipWs();
    if (pos >= end) return 0;
    let c = load<u8>(pos);
    if (obj == 0 && set == 0) {
      if (c == 58) obj = mkObject();
      else if (regoSyntax) set = mkSet();
      else return 0;
    }
    if (obj != 0) {
      if (c != 58) return 0;
      pos++;
      const v = parseValue();
      if (v == 0) return 0;
      objInsert(obj, k, v);
      skipWs();
      if (pos >= end) return 0;
      c = load<u8>(pos);
    } else setAdd(set, k);
    pos++;
    if (c == 125) break;
    if (c != 44) return 0;
  }
  depth--;
  return obj != 0 ? obj : set;
}
