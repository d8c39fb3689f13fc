// Helpers called by generated policy code (exported as rt_*; removed from the
// final module's exports by the emitter).

import { runtimeError } from './abort';
import { compare } from './compare';
import { dump, dumpLen } from './dump';
import { parseJson } from './json';
import { memoInit, memoPush, memoPop, memoGet, memoSet } from './memo';
import { textToI64, numI64 } from './number';
import { merge, upsert } from './ops';
import {
  T_ARRAY,
  T_OBJECT,
  T_STRING,
  strLen,
  strPtr,
  mkInt,
  mkString,
  mkNumText,
  mkArray,
  mkObject,
  mkSet,
  arrayAppend,
  objInsert,
  objGet,
  setAdd,
  valueGet,
  valueLength,
  collLen,
  arrayAt,
  objKeyAt,
  objValAt,
  setAt,
} from './value';

export function rt_number_int(x: i32): u32 {
  return mkInt(<i64>x);
}

export function rt_number_ref(p: u32, len: u32): u32 {
  return textToI64(p, len) ? mkInt(numI64) : mkNumText(p, len);
}

export function rt_array(cap: u32): u32 {
  return mkArray(cap);
}

export function rt_array_append(a: u32, v: u32): void {
  arrayAppend(a, v);
}

export function rt_object(): u32 {
  return mkObject();
}

export function rt_object_insert(o: u32, k: u32, v: u32): void {
  objInsert(o, k, v);
}

/** Inserts k:v; returns 1 (and inserts nothing) when k holds a different value. */
export function rt_object_insert_once(o: u32, k: u32, v: u32): i32 {
  const old = objGet(o, k);
  if (old != 0) return compare(old, v) == 0 ? 0 : 1;
  objInsert(o, k, v);
  return 0;
}

export function rt_set(): u32 {
  return mkSet();
}

export function rt_set_add(s: u32, v: u32): void {
  setAdd(s, v);
}

/**
 * Adds a row to the result set, kept as an array in insertion order (the order OPA's
 * Go evaluator reports rows) without duplicates.
 */
export function rt_result_add(rs: u32, v: u32): void {
  const n = collLen(rs);
  for (let i: u32 = 0; i < n; i++) if (compare(arrayAt(rs, i), v) == 0) return;
  arrayAppend(rs, v);
}

export function rt_compare(a: u32, b: u32): i32 {
  return compare(a, b);
}

export function rt_get(src: u32, key: u32): u32 {
  return valueGet(src, key);
}

export function rt_len(v: u32): u32 {
  return mkInt(<i64>valueLength(v));
}

/** Number of scan steps: elements of a collection, 0 for anything else. */
export function rt_iter_len(v: u32): u32 {
  if (v == 0 || load<u8>(v) < T_ARRAY) return 0;
  return collLen(v);
}

export function rt_iter_key(v: u32, i: u32): u32 {
  const t = load<u8>(v);
  if (t == T_ARRAY) return mkInt(<i64>i);
  if (t == T_OBJECT) return objKeyAt(v, i);
  return setAt(v, i);
}

export function rt_iter_val(v: u32, i: u32): u32 {
  const t = load<u8>(v);
  if (t == T_ARRAY) return arrayAt(v, i);
  if (t == T_OBJECT) return objValAt(v, i);
  return setAt(v, i);
}

/** Type tag of v, 0 when undefined. */
export function rt_type(v: u32): u32 {
  return v == 0 ? 0 : <u32>load<u8>(v);
}

export function rt_merge(a: u32, b: u32): u32 {
  return merge(a, b);
}

export function rt_upsert(base: u32, path: u32, value: u32): u32 {
  return upsert(base, path, value);
}

export function rt_memo_init(n: u32): void {
  memoInit(n);
}

export function rt_memo_push(): void {
  memoPush();
}

export function rt_memo_pop(): void {
  memoPop();
}

export function rt_memo_get(i: u32): u32 {
  return memoGet(i);
}

export function rt_memo_set(i: u32, v: u32): void {
  memoSet(i, v);
}

export function rt_error(file: u32, row: u32, col: u32, kind: i32): void {
  runtimeError(file, row, col, kind);
}

/**
 * A host built-in's set-typed result, which crosses the JSON boundary as an array,
 * as a set (duplicates collapse). Undefined (0) and non-arrays pass through unchanged.
 */
export function rt_to_set(v: u32): u32 {
  if (v == 0 || load<u8>(v) != T_ARRAY) return v;
  const s = mkSet();
  const n = collLen(v);
  for (let i: u32 = 0; i < n; i++) setAdd(s, arrayAt(v, i));
  return s;
}

/**
 * v's Rego value text (OPA's value dump: sets as `{..}` / `set()`) as a string value, for
 * host built-ins that must see big integers exactly and tell sets from arrays.
 */
export function rt_value_text(v: u32): u32 {
  if (v == 0) return 0;
  const p = dump(v, true);
  return mkString(p, dumpLen());
}

/**
 * The value a host built-in returned as Rego value text (a string value), for results
 * with sets nested inside. Undefined (0), a non-string or unreadable text gives undefined.
 */
export function rt_value_parse(v: u32): u32 {
  if (v == 0 || load<u8>(v) != T_STRING) return 0;
  return parseJson(strPtr(v), strLen(v), true);
}
