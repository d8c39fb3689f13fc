import type { HostFn } from './types.js';
import { isInteger, isString } from './values.js';

/**
 * numbers.range / numbers.range_step and units.parse / units.parse_bytes.
 * Ranges are capped at MAX_RANGE elements (undefined beyond): a policy computing
 * `numbers.range(0, input.n)` must not let a request allocate unbounded memory.
 */
export const MAX_RANGE = 1_000_000;

function range(a: number, b: number, step: number): number[] | undefined {
  const n = Math.floor(Math.abs(b - a) / step) + 1;
  if (n > MAX_RANGE) return undefined;
  const dir = a <= b ? 1 : -1;
  return Array.from({ length: n }, (_, i) => a + dir * i * step);
}

function numbersRange(a: unknown, b: unknown): number[] | undefined {
  return isInteger(a) && isInteger(b) ? range(a, b, 1) : undefined;
}

function numbersRangeStep(a: unknown, b: unknown, step: unknown): number[] | undefined {
  return isInteger(a) && isInteger(b) && isInteger(step) && step > 0 ? range(a, b, step) : undefined;
}

/** An exact decimal: mantissa × 10^exp. */
interface Dec {
  readonly m: bigint;
  readonly exp: number;
}

function parseDecimal(s: string): Dec | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (m === null) return undefined;
  const [, sign = '', int = '', frac = '', ex = '0'] = m;
  if (int === '' && frac === '') return undefined;
  const e = Number(ex);
  if (!Number.isSafeInteger(e) || Math.abs(e) > 400) return undefined;
  const mant = BigInt(`${int}${frac}` || '0');
  return { m: sign === '-' ? -mant : mant, exp: e - frac.length };
}

/** A number result: exact integers as bigint when beyond 2^53, otherwise a (correctly rounded) double. */
function decToNumber(d: Dec): number | bigint {
  if (d.exp >= 0) {
    const v = d.m * 10n ** BigInt(d.exp);
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }
  const div = 10n ** BigInt(-d.exp);
  if (d.m % div === 0n) {
    const v = d.m / div;
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }
  return Number(`${d.m}e${d.exp}`);
}

const SI_POWER: Readonly<Record<string, number>> = { '': 0, k: 3, m: 6, g: 9, t: 12, p: 15, e: 18 };
const BIN_POWER: Readonly<Record<string, number>> = { ki: 10, mi: 20, gi: 30, ti: 40, pi: 50, ei: 60 };

function stripQuotes(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function scale(d: Dec, unit: string, milliAllowed: boolean): Dec | undefined {
  const lower = unit.toLowerCase();
  const bin = BIN_POWER[lower];
  if (bin !== undefined) return { m: d.m * (1n << BigInt(bin)), exp: d.exp };
  if (milliAllowed && unit === 'm') return { m: d.m, exp: d.exp - 3 };
  const si = SI_POWER[lower];
  return si === undefined ? undefined : { m: d.m, exp: d.exp + si };
}

const UNIT_SPLIT = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([A-Za-z]*)$/;

/** units.parse: SI (m = milli, M = mega, other letters any case) and binary (Ki … Ei, any case) suffixes. */
function unitsParse(x: unknown): number | bigint | undefined {
  if (!isString(x)) return undefined;
  const m = UNIT_SPLIT.exec(stripQuotes(x));
  const d = m === null ? undefined : parseDecimal(m[1] ?? '');
  const scaled = d === undefined ? undefined : scale(d, m?.[2] ?? '', true);
  return scaled === undefined ? undefined : decToNumber(scaled);
}

/** units.parse_bytes: case-insensitive k/kb, ki/kib, … suffixes; the result is truncated to whole bytes. */
function unitsParseBytes(x: unknown): number | bigint | undefined {
  if (!isString(x)) return undefined;
  const m = UNIT_SPLIT.exec(stripQuotes(x));
  if (m === null || (m[1] ?? '').startsWith('-') || (m[1] ?? '').startsWith('+')) return undefined;
  const d = parseDecimal(m[1] ?? '');
  let unit = (m[2] ?? '').toLowerCase();
  if (unit.endsWith('b') && unit.length > 1) unit = unit.slice(0, -1);
  if (unit === 'b') unit = '';
  const scaled = d === undefined ? undefined : scale(d, unit, false);
  if (scaled === undefined) return undefined;
  const v = scaled.exp >= 0 ? scaled.m * 10n ** BigInt(scaled.exp) : scaled.m / 10n ** BigInt(-scaled.exp);
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

export const numberBuiltins: Readonly<Record<string, HostFn>> = {
  'numbers.range': numbersRange,
  'numbers.range_step': numbersRangeStep,
  'units.parse': unitsParse,
  'units.parse_bytes': unitsParseBytes,
};
