// OPA's total order of values: null < boolean < number < string < array <
// object < set; within a type see each branch. Undefined (0) sorts first.

import { numCompare } from './number';
import {
  T_BOOL,
  T_NUMBER,
  T_STRING,
  T_ARRAY,
  T_OBJECT,
  T_SET,
  collLen,
  arrayAt,
  objKeyAt,
  objValAt,
  setAt,
  strLen,
  strPtr,
} from './value';

/** Byte-wise UTF-8 comparison (equals code-point order), shorter first. */
export function bytesCompare(pa: u32, la: u32, pb: u32, lb: u32): i32 {
  const n = la < lb ? la : lb;
  const c = memory.compare(pa, pb, n);
  if (c != 0) return c < 0 ? -1 : 1;
  return la == lb ? 0 : la < lb ? -1 : 1;
}

export function compare(a: u32, b: u32): i32 {
  if (a == b) return 0;
  if (a == 0) return -1;
  if (b == 0) return 1;
  const ta = load<u8>(a);
  const tb = load<u8>(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  if (ta == T_BOOL) {
    const x = load<u8>(a, 1);
    const y = load<u8>(b, 1);
    return x == y ? 0 : x < y ? -1 : 1;
  }
  if (ta == T_NUMBER) return numCompare(a, b);
  if (ta == T_STRING) return bytesCompare(strPtr(a), strLen(a), strPtr(b), strLen(b));
  if (ta == T_ARRAY || ta == T_SET) {
    const la = collLen(a);
    const lb = collLen(b);
    const n = la < lb ? la : lb;
    for (let i: u32 = 0; i < n; i++) {
      const c = ta == T_ARRAY ? compare(arrayAt(a, i), arrayAt(b, i)) : compare(setAt(a, i), setAt(b, i));
      if (c != 0) return c;
    }
    return la == lb ? 0 : la < lb ? -1 : 1;
  }
  if (ta == T_OBJECT) {
    const la = collLen(a);
    const lb = collLen(b);
    const n = la < lb ? la : lb;
    for (let i: u32 = 0; i < n; i++) {
      let c = compare(objKeyAt(a, i), objKeyAt(b, i));
      if (c != 0) return c;
      c = compare(objValAt(a, i), objValAt(b, i));
      if (c != 0) return c;
    }
    return la == lb ? 0 : la < lb ? -1 : 1;
  }
  return 0;
}

export function equal(a: u32, b: u32): bool {
  return compare(a, b) == 0;
}
