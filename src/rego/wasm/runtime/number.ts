// OPA numbers: i64 fast path, exact decimal arithmetic otherwise.
//
// A decimal ("dec") is a scratch struct in the heap: u32 neg at +0, u32 digit
// count at +4, i32 exponent at +8, u32 ptr at +12 to digits 0..9 (most
// significant first). value = (-1)^neg * digits * 10^exp. Normalised decimals
// have no leading or trailing zero digits; zero has 0 digits.

import { alloc } from './alloc';
import { mkInt, mkNumText, T_NUMBER } from './value';

/** Out-parameter of numToI64. */
export let numI64: i64 = 0;

/** True (and numI64 set) when number value v is an integer that fits i64. */
export function numToI64(v: u32): bool {
  if (load<u8>(v) != T_NUMBER) return false;
  if (load<u8>(v, 1) == 0) {
    numI64 = load<i64>(v, 8);
    return true;
  }
  return textToI64(load<u32>(v, 8), load<u32>(v, 4));
}

/** Parses optional '-' and decimal digits into numI64; false if not an i64 integer. */
export function textToI64(p: u32, len: u32): bool {
  if (len == 0) return false;
  let i: u32 = 0;
  let neg = false;
  if (load<u8>(p) == 45) {
    neg = true;
    i = 1;
  }
  if (i >= len || len - i > 19) return false;
  let acc: u64 = 0;
  for (; i < len; i++) {
    const c = load<u8>(p + i);
    if (c < 48 || c > 57) return false;
    acc = acc * 10 + <u64>(c - 48);
  }
  if (neg) {
    if (acc > 0x8000000000000000) return false;
    numI64 = -(<i64>acc);
  } else {
    if (acc > 0x7fffffffffffffff) return false;
    numI64 = <i64>acc;
  }
  return true;
}

// ---- decimals ----

function dNeg(d: u32): bool {
  return load<u32>(d) != 0;
}
function dLen(d: u32): i32 {
  return <i32>load<u32>(d, 4);
}
function dExp(d: u32): i32 {
  return load<i32>(d, 8);
}
function dDig(d: u32, i: i32): i32 {
  return <i32>load<u8>(load<u32>(d, 12) + <u32>i);
}

function newDec(neg: bool, digits: u32, len: i32, exp: i32): u32 {
  const d = alloc(16);
  store<u32>(d, neg ? 1 : 0);
  store<u32>(d, <u32>len, 4);
  store<i32>(d, exp, 8);
  store<u32>(d, digits, 12);
  return normalise(d);
}

/** Strips leading and trailing zero digits; zero becomes positive with no digits. */
function normalise(d: u32): u32 {
  let p = load<u32>(d, 12);
  let len = load<u32>(d, 4);
  while (len > 0 && load<u8>(p) == 0) {
    p++;
    len--;
  }
  let exp = load<i32>(d, 8);
  while (len > 0 && load<u8>(p + len - 1) == 0) {
    len--;
    exp++;
  }
  if (len == 0) {
    store<u32>(d, 0);
    exp = 0;
  }
  store<u32>(d, len, 4);
  store<i32>(d, exp, 8);
  store<u32>(d, p, 12);
  return d;
}

function decFromI64(x: i64): u32 {
  const neg = x < 0;
  let u: u64 = neg ? <u64>-x : <u64>x;
  const buf = alloc(20);
  let n: i32 = 0;
  let t = u;
  do {
    n++;
    t /= 10;
  } while (t > 0);
  for (let i = n - 1; i >= 0; i--) {
    store<u8>(buf + <u32>i, <u8>(u % 10));
    u /= 10;
  }
  return newDec(neg, buf, n, 0);
}

/** Parses decimal text (JSON number grammar, leniently). 0 when not a number. */
export function decFromText(p: u32, len: u32): u32 {
  let i: u32 = 0;
  let neg = false;
  if (i < len && (load<u8>(p) == 45 || load<u8>(p) == 43)) {
    neg = load<u8>(p) == 45;
    i++;
  }
  const buf = alloc(len + 1);
  let n: i32 = 0;
  let exp: i32 = 0;
  let seenDigit = false;
  let seenDot = false;
  for (; i < len; i++) {
    const c = load<u8>(p + i);
    if (c >= 48 && c <= 57) {
      store<u8>(buf + <u32>n, c - 48);
      n++;
      seenDigit = true;
      if (seenDot) exp--;
    } else if (c == 46 && !seenDot) {
      seenDot = true;
    } else break;
  }
  if (!seenDigit) return 0;
  if (i < len) {
    const c = load<u8>(p + i);
    if (c != 101 && c != 69) return 0;
    i++;
    let eneg = false;
    if (i < len && (load<u8>(p + i) == 45 || load<u8>(p + i) == 43)) {
      eneg = load<u8>(p + i) == 45;
      i++;
    }
    if (i >= len) return 0;
    let e: i64 = 0;
    for (; i < len; i++) {
      const d = load<u8>(p + i);
      if (d < 48 || d > 57) return 0;
      if (e < 100000000) e = e * 10 + <i64>(d - 48);
    }
    exp += <i32>(eneg ? -e : e);
  }
  return newDec(neg, buf, n, exp);
}

/** Decimal of a number value. */
export function decOf(v: u32): u32 {
  if (load<u8>(v, 1) == 0) return decFromI64(load<i64>(v, 8));
  const d = decFromText(load<u32>(v, 8), load<u32>(v, 4));
  return d == 0 ? decFromI64(0) : d;
}

function cmpMag(a: u32, b: u32): i32 {
  const la = dLen(a);
  const lb = dLen(b);
  if (la == 0 || lb == 0) return la == lb ? 0 : la == 0 ? -1 : 1;
  const ea = la + dExp(a);
  const eb = lb + dExp(b);
  if (ea != eb) return ea < eb ? -1 : 1;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const x = dDig(a, i);
    const y = dDig(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return la == lb ? 0 : la < lb ? -1 : 1;
}

export function decCompare(a: u32, b: u32): i32 {
  const sa: i32 = dLen(a) == 0 ? 0 : dNeg(a) ? -1 : 1;
  const sb: i32 = dLen(b) == 0 ? 0 : dNeg(b) ? -1 : 1;
  if (sa != sb) return sa < sb ? -1 : 1;
  const m = cmpMag(a, b);
  return sa < 0 ? -m : m;
}

/** Compares two number values by numeric value. */
export function numCompare(a: u32, b: u32): i32 {
  if (numToI64(a)) {
    const x = numI64;
    if (numToI64(b)) {
      const y = numI64;
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
  return decCompare(decOf(a), decOf(b));
}

/** Digit at decimal position pos (value of 10^pos place) of a decimal's magnitude. */
function digitAtPlace(d: u32, pos: i32): i32 {
  const idx = dLen(d) - 1 - (pos - dExp(d));
  if (idx < 0 || idx >= dLen(d)) return 0;
  return dDig(d, idx);
}

/** |a| + |b| or |a| - |b| (requires |a| >= |b| for subtraction), sign neg. */
function addMag(a: u32, b: u32, sub: bool, neg: bool): u32 {
  const lo = dExp(a) < dExp(b) ? dExp(a) : dExp(b);
  const ha = dLen(a) + dExp(a);
  const hb = dLen(b) + dExp(b);
  const hi = (ha > hb ? ha : hb) + 1;
  const n = hi - lo;
  const buf = alloc(<u32>n);
  let carry: i32 = 0;
  for (let k = 0; k < n; k++) {
    const pos = lo + k;
    let s = sub
      ? digitAtPlace(a, pos) - digitAtPlace(b, pos) - carry
      : digitAtPlace(a, pos) + digitAtPlace(b, pos) + carry;
    carry = 0;
    if (s < 0) {
      s += 10;
      carry = 1;
    } else if (s >= 10) {
      s -= 10;
      carry = 1;
    }
    store<u8>(buf + <u32>(n - 1 - k), <u8>s);
  }
  return newDec(neg, buf, n, lo);
}

export function decAdd(a: u32, b: u32, negateB: bool): u32 {
  const nb = negateB ? !dNeg(b) : dNeg(b);
  if (dNeg(a) == nb) return addMag(a, b, false, dNeg(a));
  if (cmpMag(a, b) >= 0) return addMag(a, b, true, dNeg(a));
  return addMag(b, a, true, nb);
}

export function decMul(a: u32, b: u32): u32 {
  const la = dLen(a);
  const lb = dLen(b);
  const n = la + lb;
  const acc = alloc(<u32>n * 4);
  memory.fill(acc, 0, <u32>n * 4);
  for (let i = la - 1; i >= 0; i--) {
    for (let j = lb - 1; j >= 0; j--) {
      const p = acc + <u32>(i + j + 1) * 4;
      store<i32>(p, load<i32>(p) + dDig(a, i) * dDig(b, j));
    }
  }
  const buf = alloc(<u32>n);
  let carry: i32 = 0;
  for (let k = n - 1; k >= 0; k--) {
    const s = load<i32>(acc + <u32>k * 4) + carry;
    store<u8>(buf + <u32>k, <u8>(s % 10));
    carry = s / 10;
  }
  return newDec(dNeg(a) != dNeg(b), buf, n, dExp(a) + dExp(b));
}

/** a / b rounded to prec significant digits (half away from zero). b must be non-zero. */
export function decDiv(a: u32, b: u32, prec: i32): u32 {
  const neg = dNeg(a) != dNeg(b);
  const la = dLen(a);
  const lb = dLen(b);
  if (la == 0) return decFromI64(0);
  let k = lb - la + prec + 1;
  if (k < 0) k = 0;
  const n = la + k;
  const bm = newDec(false, load<u32>(b, 12), lb, 0);
  const q = alloc(<u32>n);
  let r = decFromI64(0);
  for (let i = 0; i < n; i++) {
    const dig = i < la ? dDig(a, i) : 0;
    r =
      dLen(r) == 0
        ? decFromI64(dig)
        : addMag(newDec(false, load<u32>(r, 12), dLen(r), dExp(r) + 1), decFromI64(dig), false, false);
    let c: u8 = 0;
    while (dLen(r) > 0 && cmpMag(r, bm) >= 0) {
      r = addMag(r, bm, true, false);
      c++;
    }
    store<u8>(q + <u32>i, c);
  }
  let s: i32 = 0;
  while (s < n - 1 && load<u8>(q + <u32>s) == 0) s++;
  return roundDigits(neg, q + <u32>s, n - s, dExp(a) - dExp(b) - k, prec);
}

/** Rounds a digit buffer to prec significant digits, half away from zero. */
function roundDigits(neg: bool, q: u32, n: i32, exp: i32, prec: i32): u32 {
  if (n <= prec) return newDec(neg, q, n, exp);
  const up = load<u8>(q + <u32>prec) >= 5;
  let k = prec - 1;
  if (up) {
    while (k >= 0) {
      const d = load<u8>(q + <u32>k) + 1;
      if (d < 10) {
        store<u8>(q + <u32>k, d);
        break;
      }
      store<u8>(q + <u32>k, 0);
      k--;
    }
  }
  if (k < 0) {
    const buf = alloc(<u32>prec + 1);
    store<u8>(buf, 1);
    memory.copy(buf + 1, q, <u32>prec);
    return newDec(neg, buf, prec + 1, exp + (n - prec));
  }
  return newDec(neg, q, prec, exp + (n - prec));
}

/** mode 0 floor, 1 ceil, 2 round half away from zero, 3 truncate. */
export function decToInteger(d: u32, mode: i32): u32 {
  if (dExp(d) >= 0 || dLen(d) == 0) return d;
  const keep = dLen(d) + dExp(d);
  let frac = false;
  let half = false;
  if (keep >= 0) {
    half = keep < dLen(d) && dDig(d, keep) >= 5;
  }
  frac = true;
  let ip: u32;
  if (keep <= 0) ip = decFromI64(0);
  else ip = newDec(dNeg(d), load<u32>(d, 12), keep, 0);
  let bump: bool = false;
  if (mode == 0) bump = frac && dNeg(d);
  else if (mode == 1) bump = frac && !dNeg(d);
  else if (mode == 2) bump = half;
  // mode 3 (truncate toward zero) never bumps
  if (!bump) return ip;
  const one = decFromI64(dNeg(d) ? -1 : 1);
  return decAdd(ip, one, false);
}

export function decIsInteger(d: u32): bool {
  return dExp(d) >= 0;
}

export function decIsZero(d: u32): bool {
  return dLen(d) == 0;
}

export function decIsNeg(d: u32): bool {
  return dNeg(d);
}

/** Decimal to number value: i64 when integral and in range, else text (Go %g style). */
export function decToNum(d: u32): u32 {
  const len = dLen(d);
  const exp = dExp(d);
  if (len == 0) return mkInt(0);
  if (exp >= 0 && len + exp <= 18) {
    let acc: i64 = 0;
    for (let i = 0; i < len; i++) acc = acc * 10 + <i64>dDig(d, i);
    for (let i = 0; i < exp; i++) acc *= 10;
    return mkInt(dNeg(d) ? -acc : acc);
  }
  const sci = len + exp;
  const buf = alloc(<u32>(len + 32 + (exp > 0 && exp < 21 ? exp : 0) + (sci < 0 && sci > -7 ? -sci : 0)));
  let p = buf;
  if (dNeg(d)) {
    store<u8>(p, 45);
    p++;
  }
  if (exp >= 0 && sci <= 21) {
    for (let i = 0; i < len; i++) store<u8>(p++, <u8>(48 + dDig(d, i)));
    for (let i = 0; i < exp; i++) store<u8>(p++, 48);
  } else if (exp < 0 && sci > -6) {
    if (sci <= 0) {
      store<u8>(p++, 48);
      store<u8>(p++, 46);
      for (let i = 0; i < -sci; i++) store<u8>(p++, 48);
      for (let i = 0; i < len; i++) store<u8>(p++, <u8>(48 + dDig(d, i)));
    } else {
      for (let i = 0; i < len; i++) {
        if (i == sci) store<u8>(p++, 46);
        store<u8>(p++, <u8>(48 + dDig(d, i)));
      }
    }
  } else {
    store<u8>(p++, <u8>(48 + dDig(d, 0)));
    if (len > 1) {
      store<u8>(p++, 46);
      for (let i = 1; i < len; i++) store<u8>(p++, <u8>(48 + dDig(d, i)));
    }
    store<u8>(p++, 101);
    let e = sci - 1;
    store<u8>(p++, e < 0 ? 45 : 43);
    if (e < 0) e = -e;
    let digits: i32 = 1;
    for (let t = e; t >= 10; t /= 10) digits++;
    for (let i = digits - 1; i >= 0; i--) {
      store<u8>(p + <u32>i, <u8>(48 + (e % 10)));
      e /= 10;
    }
    p += <u32>digits;
  }
  return mkNumText(buf, p - buf);
}

/** Writes the decimal text of x at p; returns the end address. Needs 20 bytes. */
export function writeI64(p: u32, x: i64): u32 {
  if (x < 0) {
    store<u8>(p, 45);
    p++;
  }
  let u: u64 = x < 0 ? <u64>-x : <u64>x;
  let n: u32 = 1;
  for (let t = u; t >= 10; t /= 10) n++;
  for (let i: u32 = 0; i < n; i++) {
    store<u8>(p + n - 1 - i, <u8>(48 + <u32>(u % 10)));
    u /= 10;
  }
  return p + n;
}
