// JSON and Rego-literal serialisation into a NUL-terminated heap buffer.
// Objects and sets come out in sorted order; sets dump as JSON arrays; in JSON
// mode non-string object keys are written as the JSON text of the key inside a
// string, as OPA does. Strings escape only '"', '\\' and bytes below 0x20.

import { alloc, realloc } from './alloc';
import { writeI64 } from './number';
import {
  T_NULL,
  T_BOOL,
  T_NUMBER,
  T_STRING,
  T_ARRAY,
  T_OBJECT,
  T_SET,
  collLen,
  arrayAt,
  setAt,
  objKeyAt,
  objValAt,
  strLen,
  strPtr,
} from './value';

let bStart: u32 = 0;
let bLen: u32 = 0;
let bCap: u32 = 0;

function reserve(n: u32): void {
  if (bLen + n <= bCap) return;
  let ncap = bCap * 2;
  if (ncap < bLen + n) ncap = bLen + n + 64;
  bStart = realloc(bStart, bCap, ncap);
  bCap = ncap;
}

function put(c: u8): void {
  reserve(1);
  store<u8>(bStart + bLen, c);
  bLen++;
}

function putBytes(p: u32, n: u32): void {
  reserve(n);
  memory.copy(bStart + bLen, p, n);
  bLen += n;
}

function putAscii(s: string): void {
  for (let i = 0; i < s.length; i++) put(<u8>s.charCodeAt(i));
}

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

function putEscaped(p: u32, n: u32): void {
  reserve(n + 2);
  put(34);
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + i);
    if (c == 34 || c == 92) {
      put(92);
      put(c);
    } else if (c >= 0x20) put(c);
    else if (c == 10) putAscii('\\n');
    else if (c == 13) putAscii('\\r');
    else if (c == 9) putAscii('\\t');
    else {
      putAscii('\\u00');
      put(load<u8>(<u32>HEX + (c >> 4)));
      put(load<u8>(<u32>HEX + (c & 15)));
    }
  }
  put(34);
}

function putNumber(v: u32): void {
  if (load<u8>(v, 1) == 0) {
    reserve(21);
    bLen = writeI64(bStart + bLen, load<i64>(v, 8)) - bStart;
  } else putBytes(load<u32>(v, 8), load<u32>(v, 4));
}

function putValue(v: u32, rego: bool): void {
  const t = load<u8>(v);
  if (t == T_NULL) putAscii('null');
  else if (t == T_BOOL) putAscii(load<u8>(v, 1) != 0 ? 'true' : 'false');
  else if (t == T_NUMBER) putNumber(v);
  else if (t == T_STRING) putEscaped(strPtr(v), strLen(v));
  else if (t == T_ARRAY) {
    put(91);
    const n = collLen(v);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) put(44);
      putValue(arrayAt(v, i), rego);
    }
    put(93);
  } else if (t == T_SET) {
    const n = collLen(v);
    if (rego && n == 0) {
      putAscii('set()');
      return;
    }
    put(rego ? 123 : 91);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) put(44);
      putValue(setAt(v, i), rego);
    }
    put(rego ? 125 : 93);
  } else if (t == T_OBJECT) {
    put(123);
    const n = collLen(v);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) put(44);
      putKey(objKeyAt(v, i), rego);
      put(58);
      putValue(objValAt(v, i), rego);
    }
    put(125);
  }
}

function putKey(k: u32, rego: bool): void {
  if (rego || load<u8>(k) == T_STRING) {
    putValue(k, rego);
    return;
  }
  const mark = bLen;
  putValue(k, false);
  const n = bLen - mark;
  const tmp = alloc(n);
  memory.copy(tmp, bStart + mark, n);
  bLen = mark;
  putEscaped(tmp, n);
}

/** Serialises v; returns the address of the NUL-terminated text. */
export function dump(v: u32, rego: bool): u32 {
  bCap = 64;
  bStart = alloc(bCap);
  bLen = 0;
  putValue(v, rego);
  put(0);
  return bStart;
}

/** Length of the text most recently produced by dump (without the NUL). */
export function dumpLen(): u32 {
  return bLen - 1;
}
