// Arithmetic on number values: exact i64 when operands and result fit,
// exact decimals otherwise; division rounds to DIV_PRECISION significant digits.

import {
  numToI64,
  numI64,
  decOf,
  decAdd,
  decMul,
  decDiv,
  decIsZero,
  decToNum,
  decToInteger,
  decIsInteger,
  decIsNeg,
} from './number';
import { mkInt } from './value';

const DIV_PRECISION: i32 = 20;
const SMALL: i64 = 0x7fffffff;

function small(x: i64): bool {
  return x <= SMALL && x >= -SMALL;
}

/** a + b, or a - b when sub. */
export function numAdd(a: u32, b: u32, sub: bool): u32 {
  if (numToI64(a)) {
    const x = numI64;
    if (numToI64(b)) {
      const y = numI64;
      const r = sub ? x - y : x + y;
      const overflow = sub ? ((x ^ y) & (x ^ r)) < 0 : ((x ^ r) & (y ^ r)) < 0;
      if (!overflow) return mkInt(r);
    }
  }
  return decToNum(decAdd(decOf(a), decOf(b), sub));
}

export function numMul(a: u32, b: u32): u32 {
  if (numToI64(a)) {
    const x = numI64;
    if (numToI64(b)) {
      const y = numI64;
      if (small(x) && small(y)) return mkInt(x * y);
    }
  }
  return decToNum(decMul(decOf(a), decOf(b)));
}

/** a / b; 0 (undefined) on division by zero. */
export function numDiv(a: u32, b: u32): u32 {
  if (numToI64(a)) {
    const x = numI64;
    if (numToI64(b)) {
      const y = numI64;
      if (y == 0) return 0;
      if (y != -1 && x % y == 0) return mkInt(x / y);
    }
  }
  const db = decOf(b);
  if (decIsZero(db)) return 0;
  return decToNum(decDiv(decOf(a), db, DIV_PRECISION));
}

/** Integer remainder (sign of the dividend); undefined for non-integers or b = 0. */
export function numRem(a: u32, b: u32): u32 {
  if (!numToI64(a)) return 0;
  const x = numI64;
  if (!numToI64(b)) return 0;
  const y = numI64;
  if (y == 0) return 0;
  if (y == -1) return mkInt(0);
  return mkInt(x % y);
}

/** mode 0 floor, 1 ceil, 2 round half away from zero. */
export function numRound(a: u32, mode: i32): u32 {
  if (numToI64(a)) return mkInt(numI64);
  return decToNum(decToInteger(decOf(a), mode));
}

export function numAbs(a: u32): u32 {
  if (numToI64(a)) {
    const x = numI64;
    if (x != -0x7fffffffffffffff - 1) return mkInt(x < 0 ? -x : x);
  }
  const d = decOf(a);
  if (!decIsNeg(d)) return a;
  return decToNum(decAdd(decOf(mkInt(0)), d, true));
}

export function numIsInteger(a: u32): bool {
  if (numToI64(a)) return true;
  return decIsInteger(decOf(a));
}
