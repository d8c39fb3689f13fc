import { zoneOffset } from './zone.js';

export const NS_PER_SEC = 1_000_000_000n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export function inInt64(ns: bigint): boolean {
  return ns >= INT64_MIN && ns <= INT64_MAX;
}

/** Broken-down civil time in a zone. */
export interface Civil {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nanos: number;
  readonly weekday: number;
  readonly yday: number;
  readonly offset: number;
  readonly zone: string;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function civilOf(ns: bigint, zone: string): Civil | undefined {
  const secs = floorDiv(ns, NS_PER_SEC);
  const nanos = Number(ns - secs * NS_PER_SEC);
  const ms = Number(secs) * 1000;
  const offset = zoneOffset(zone, ms);
  if (offset === undefined) return undefined;
  const d = new Date(ms + offset * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const startDate = new Date(start);
  startDate.setUTCFullYear(d.getUTCFullYear());
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanos,
    weekday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - startDate.getTime()) / 86_400_000) + 1,
    offset,
    zone,
  };
}

/** UTC nanoseconds of civil fields (overflowing fields normalise, as Go's time.Date does) at a fixed offset. */
export function nsOfFields(
  f: { year: number; month: number; day: number; hour: number; minute: number; second: number; nanos: number },
  offsetSec: number,
): bigint {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, 0);
  return BigInt(d.getTime() / 1000 - offsetSec) * NS_PER_SEC + BigInt(f.nanos);
}

/** Like nsOfFields, resolving the offset of an IANA zone at that civil time. */
export function nsInZone(
  f: { year: number; month: number; day: number; hour: number; minute: number; second: number; nanos: number },
  zone: string,
): bigint | undefined {
  const guess = nsOfFields(f, 0);
  const off1 = zoneOffset(zone, Number(guess / NS_PER_SEC) * 1000);
  if (off1 === undefined) return undefined;
  const off2 = zoneOffset(zone, Number((guess - BigInt(off1) * NS_PER_SEC) / NS_PER_SEC) * 1000) ?? off1;
  return nsOfFields(f, off2);
}
