import type { HostFn } from './types.js';
import { mapCase } from './unicase.js';
import { codePoints, isInteger, isNumber, isObject, isString, sortedKeys, stringList } from './values.js';

/** String built-ins. Non-string operands make the call undefined (OPA: type error). */

function concat(delim: unknown, coll: unknown): string | undefined {
  const parts = stringList(coll);
  return isString(delim) && parts !== undefined ? parts.join(delim) : undefined;
}

function both(f: (a: string, b: string) => unknown): HostFn {
  return (a, b) => (isString(a) && isString(b) ? f(a, b) : undefined);
}

/** format_int(number, base): truncates toward zero; base 2, 8, 10 or 16. Exact only up to 2^53 (the argument arrives as a double). */
function formatInt(n: unknown, base: unknown): string | undefined {
  if (!isNumber(n) || !(base === 2 || base === 8 || base === 10 || base === 16)) return undefined;
  return BigInt(Math.trunc(n)).toString(base);
}

function indexOfCp(s: string, sub: string, fromUnit = 0): number {
  const at = s.indexOf(sub, fromUnit);
  return at < 0 ? -1 : codePoints(s.slice(0, at)).length;
}

/** indexof: code point index of the first match, -1 when absent; an empty needle is an error (OPA). */
function indexof(s: unknown, sub: unknown): number | undefined {
  if (!isString(s) || !isString(sub) || sub === '') return undefined;
  return indexOfCp(s, sub);
}

/** indexof_n: code point indexes of all (overlapping) matches. */
function indexofN(s: unknown, sub: unknown): number[] | undefined {
  if (!isString(s) || !isString(sub) || sub === '') return undefined;
  const out: number[] = [];
  let from = 0;
  for (;;) {
    const at = s.indexOf(sub, from);
    if (at < 0) return out;
    out.push(codePoints(s.slice(0, at)).length);
    from = at + ((s.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);
  }
}

function replaceAll(s: string, old: string, rep: string): string {
  if (old !== '') return s.split(old).join(rep);
  return (
    rep +
    codePoints(s)
      .map((c) => c + rep)
      .join('')
  );
}

function split(s: unknown, delim: unknown): string[] | undefined {
  if (!isString(s) || !isString(delim)) return undefined;
  return delim === '' ? codePoints(s) : s.split(delim);
}

function stringsOrOne(v: unknown): string[] | undefined {
  return isString(v) ? [v] : stringList(v);
}

function anyMatch(test: (s: string, affix: string) => boolean): HostFn {
  return (search, base) => {
    const ss = stringsOrOne(search);
    const bs = stringsOrOne(base);
    if (ss === undefined || bs === undefined) return undefined;
    return ss.some((s) => bs.some((b) => test(s, b)));
  };
}

/** strings.count: non-overlapping occurrences; an empty needle counts code points + 1 (Go). */
function count(s: string, sub: string): number {
  if (sub === '') return codePoints(s).length + 1;
  return s.split(sub).length - 1;
}

/**
 * strings.replace_n(patterns, s): Go's strings.Replacer — one left-to-right pass, at each
 * position the first pattern (in sorted key order) that matches wins; replaced text is not
 * rescanned.
 */
function replaceN(patterns: unknown, s: unknown): string | undefined {
  if (!isObject(patterns) || !isString(s)) return undefined;
  const pairs: (readonly [string, string])[] = [];
  for (const k of sortedKeys(patterns)) {
    const v = patterns[k];
    if (!isString(v)) return undefined;
    pairs.push([k, v]);
  }
  let out = '';
  let i = 0;
  while (i < s.length) {
    const hit = pairs.find(([k]) => k !== '' && s.startsWith(k, i));
    if (hit === undefined) {
      out += s.charAt(i);
      i++;
      continue;
    }
    out += hit[1];
    i += hit[0].length;
  }
  return out;
}

/** substring(s, start, length): code points; negative start is an error, negative length means "to the end". */
function substring(s: unknown, start: unknown, length: unknown): string | undefined {
  if (!isString(s) || !isInteger(start) || !isInteger(length) || start < 0) return undefined;
  const cps = codePoints(s);
  if (start >= cps.length) return '';
  return (length < 0 ? cps.slice(start) : cps.slice(start, start + length)).join('');
}

function trimLeftSet(s: string, cut: ReadonlySet<string>): string {
  const cps = codePoints(s);
  let i = 0;
  while (i < cps.length && cut.has(cps[i] ?? '')) i++;
  return cps.slice(i).join('');
}

function trimRightSet(s: string, cut: ReadonlySet<string>): string {
  const cps = codePoints(s);
  let j = cps.length;
  while (j > 0 && cut.has(cps[j - 1] ?? '')) j--;
  return cps.slice(0, j).join('');
}

/** Go's unicode.IsSpace (JS's trim also strips U+FEFF and keeps U+0085). */
const GO_SPACE = new Set([
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
]);

function trimWith(f: (s: string, cut: ReadonlySet<string>) => string): HostFn {
  return (s, cut) => (isString(s) && isString(cut) ? f(s, new Set(codePoints(cut))) : undefined);
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** to_number: null → 0, booleans → 1/0, numeric strings (decimal, exponent) → number; precision is a double's. */
function toNumber(v: unknown): number | undefined {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumber(v)) return v;
  if (isString(v) && DECIMAL.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export const stringBuiltins: Readonly<Record<string, HostFn>> = {
  concat,
  contains: both((a, b) => a.includes(b)),
  startswith: both((a, b) => a.startsWith(b)),
  endswith: both((a, b) => a.endsWith(b)),
  format_int: formatInt,
  indexof,
  indexof_n: indexofN,
  lower: (s) => (isString(s) ? mapCase(s, false) : undefined),
  upper: (s) => (isString(s) ? mapCase(s, true) : undefined),
  replace: (s, old, rep) => (isString(s) && isString(old) && isString(rep) ? replaceAll(s, old, rep) : undefined),
  split,
  'strings.any_prefix_match': anyMatch((s, p) => s.startsWith(p)),
  'strings.any_suffix_match': anyMatch((s, p) => s.endsWith(p)),
  'strings.count': both(count),
  'strings.replace_n': replaceN,
  'strings.reverse': (s) => (isString(s) ? codePoints(s).reverse().join('') : undefined),
  substring,
  trim: trimWith((s, c) => trimRightSet(trimLeftSet(s, c), c)),
  trim_left: trimWith(trimLeftSet),
  trim_right: trimWith(trimRightSet),
  trim_prefix: both((s, p) => (s.startsWith(p) ? s.slice(p.length) : s)),
  trim_suffix: both((s, p) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
  trim_space: (s) => (isString(s) ? trimRightSet(trimLeftSet(s, GO_SPACE), GO_SPACE) : undefined),
  to_number: toNumber,
};
