// Structural operations the generated code needs beyond construction:
// merge (full-extent queries), copy-on-write upsert (WithStmt), and the ABI's
// add_path/remove_path.

import {
  T_OBJECT,
  T_ARRAY,
  mkObject,
  objGet,
  objInsert,
  objRemove,
  shallowCopy,
  collLen,
  arrayAt,
  objKeyAt,
  objValAt,
} from './value';

/** Recursive merge; a wins on non-object clashes. */
export function merge(a: u32, b: u32): u32 {
  if (a == 0) return b;
  if (b == 0) return a;
  if (load<u8>(a) != T_OBJECT || load<u8>(b) != T_OBJECT) return a;
  const r = shallowCopy(a);
  const n = collLen(b);
  for (let i: u32 = 0; i < n; i++) {
    const k = objKeyAt(b, i);
    const bv = objValAt(b, i);
    const av = objGet(r, k);
    if (av == 0) objInsert(r, k, bv);
    else objInsert(r, k, merge(av, bv));
  }
  return r;
}

/** Returns a copy of base with path (array of keys) set to value; base is not modified. */
export function upsert(base: u32, path: u32, value: u32): u32 {
  return upsertFrom(base, path, 0, value);
}

function upsertFrom(base: u32, path: u32, i: u32, value: u32): u32 {
  const n = collLen(path);
  if (i >= n) return value;
  const obj = base != 0 && load<u8>(base) == T_OBJECT ? shallowCopy(base) : mkObject();
  const k = arrayAt(path, i);
  objInsert(obj, k, upsertFrom(objGet(obj, k), path, i + 1, value));
  return obj;
}

/** ABI add_path: 0 ok, 2 invalid type, 3 invalid path. Mutates base. */
export function addPath(base: u32, path: u32, value: u32): i32 {
  if (base == 0 || load<u8>(base) != T_OBJECT) return 2;
  if (path == 0 || load<u8>(path) != T_ARRAY || collLen(path) == 0) return 3;
  let cur = base;
  const n = collLen(path);
  for (let i: u32 = 0; i + 1 < n; i++) {
    const k = arrayAt(path, i);
    let next = objGet(cur, k);
    if (next == 0) {
      next = mkObject();
      objInsert(cur, k, next);
    } else if (load<u8>(next) != T_OBJECT) return 2;
    cur = next;
  }
  objInsert(cur, arrayAt(path, n - 1), value);
  return 0;
}

/** ABI remove_path: 0 ok, 2 invalid type, 3 invalid path. Mutates base. */
export function removePath(base: u32, path: u32): i32 {
  if (base == 0 || load<u8>(base) != T_OBJECT) return 2;
  if (path == 0 || load<u8>(path) != T_ARRAY || collLen(path) == 0) return 3;
  let cur = base;
  const n = collLen(path);
  for (let i: u32 = 0; i + 1 < n; i++) {
    const next = objGet(cur, arrayAt(path, i));
    if (next == 0 || load<u8>(next) != T_OBJECT) return 3;
    cur = next;
  }
  objRemove(cur, arrayAt(path, n - 1));
  return 0;
}
