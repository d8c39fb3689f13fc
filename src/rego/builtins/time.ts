import { civilOf, inInt64, NS_PER_SEC, nsOfFields } from './civil.js';
import type { Civil } from './civil.js';
import { DAYS, formatLayout, NAMED_LAYOUTS } from './golayout.js';
import { parseLayout } from './goparse.js';
import type { HostFn } from './types.js';
import { isArray, isInteger, isNumber, isString } from './values.js';
import { normalizeZone } from './zone.js';

/**
 * time.* built-ins. Nanosecond timestamps are bigint when exact (the module passes them as
 * Rego value text through the HOST_TEXT_ARGS aliases, so instants beyond 2^53 ns, i.e. after
 * April 1970, keep every nanosecond) or numbers (plain JSON callers: exact only to 2^53;
 * fractions are truncated). Results are returned exactly as bigint. Timestamps and results
 * outside int64 nanoseconds (years 1678–2262) are undefined, as are unknown zones.
 */

function nsArg(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return inInt64(v) ? v : undefined;
  if (!isNumber(v)) return undefined;
  const ns = BigInt(Math.trunc(v));
  return inInt64(ns) ? ns : undefined;
}

/** A time operand: ns, or [ns, zone] (and [ns, zone, layout] for time.format). */
function timeArg(v: unknown): { ns: bigint; zone: string; layout: string | undefined } | undefined {
  if (!isArray(v)) {
    const ns = nsArg(v);
    return ns === undefined ? undefined : { ns, zone: 'UTC', layout: undefined };
  }
  const [n, tz, layout] = v;
  const ns = nsArg(n);
  const zone = isString(tz) ? normalizeZone(tz) : undefined;
  if (ns === undefined || zone === undefined || (layout !== undefined && !isString(layout)) || v.length > 3)
    return undefined;
  return { ns, zone, layout: isString(layout) ? layout : undefined };
}

function civilArg(v: unknown): Civil | undefined {
  const t = timeArg(v);
  return t === undefined ? undefined : civilOf(t.ns, t.zone);
}

function checked(ns: bigint | undefined): bigint | undefined {
  return ns !== undefined && inInt64(ns) ? ns : undefined;
}

const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.ParseDuration ("1h30m", "-1.5s", "300ms"); "0" alone is allowed. */
export function parseDuration(s: string): bigint | undefined {
  if (s === '0' || s === '+0' || s === '-0') return 0n;
  const m = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (m === null) return undefined;
  let total = 0;
  for (const part of (m[2] ?? '').matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNITS[part[2] ?? ''] ?? 0);
  }
  const ns = BigInt(Math.round(total)) * (m[1] === '-' ? -1n : 1n);
  return checked(ns);
}

function layoutOf(name: string): string {
  return NAMED_LAYOUTS[name] ?? name;
}

function format(x: unknown): string | undefined {
  const t = timeArg(x);
  if (t === undefined) return undefined;
  const c = civilOf(t.ns, t.zone);
  if (c === undefined) return undefined;
  return formatLayout(layoutOf(t.layout ?? 'RFC3339Nano'), c, Number(t.ns / NS_PER_SEC) * 1000);
}

function addDate(ns: unknown, y: unknown, m: unknown, d: unknown): bigint | undefined {
  const n = nsArg(ns);
  if (n === undefined || !isInteger(y) || !isInteger(m) || !isInteger(d)) return undefined;
  const c = civilOf(n, 'UTC');
  if (c === undefined) return undefined;
  return checked(nsOfFields({ ...c, year: c.year + y, month: c.month + m, day: c.day + d }, 0));
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** time.diff(a, b): [years, months, days, hours, minutes, seconds] between two instants, order-independent. */
function diff(a: unknown, b: unknown): number[] | undefined {
  const ta = timeArg(a);
  const tb = timeArg(b);
  if (ta === undefined || tb === undefined) return undefined;
  const [lo, hi] = ta.ns <= tb.ns ? [ta, tb] : [tb, ta];
  const c1 = civilOf(lo.ns, lo.zone);
  const c2 = civilOf(hi.ns, lo.zone);
  if (c1 === undefined || c2 === undefined) return undefined;
  let year = c2.year - c1.year;
  let month = c2.month - c1.month;
  let day = c2.day - c1.day;
  let hour = c2.hour - c1.hour;
  let min = c2.minute - c1.minute;
  let sec = c2.second - c1.second;
  if (sec < 0) {
    sec += 60;
    min--;
  }
  if (min < 0) {
    min += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    day += daysInMonth(c1.year, c1.month);
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, min, sec];
}

export function timeBuiltins(now: () => bigint): Readonly<Record<string, HostFn>> {
  return {
    'time.now_ns': () => now(),
    'time.parse_rfc3339_ns': (s) => (isString(s) ? checked(parseLayout(NAMED_LAYOUTS.RFC3339 ?? '', s)) : undefined),
    'time.parse_ns': (layout, s) =>
      isString(layout) && isString(s) ? checked(parseLayout(layoutOf(layout), s)) : undefined,
    'time.parse_duration_ns': (s) => (isString(s) ? parseDuration(s) : undefined),
    'time.date': (x) => {
      const c = civilArg(x);
      return c === undefined ? undefined : [c.year, c.month, c.day];
    },
    'time.clock': (x) => {
      const c = civilArg(x);
      return c === undefined ? undefined : [c.hour, c.minute, c.second];
    },
    'time.weekday': (x) => {
      const c = civilArg(x);
      return c === undefined ? undefined : DAYS[c.weekday];
    },
    'time.add_date': addDate,
    'time.diff': diff,
    'time.format': format,
  };
}
