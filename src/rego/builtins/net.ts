import {
  formatAddress,
  formatRange,
  lastAddress,
  mapIpv4,
  parseAddress,
  parseRange,
  rangeContains,
  unmapIpv4,
} from '../../net/index.js';
import type { IpAddress, IpRange } from '../../net/index.js';
import { MAX_RANGE } from './numbers.js';
import type { HostFn } from './types.js';
import { asSet, isArray, isObject, isRegoSet, isString } from './values.js';

/**
 * net.cidr_* built-ins (Go net semantics). Invalid addresses make the call undefined.
 * net.cidr_expand is capped at MAX_RANGE addresses so a request cannot force a huge set.
 */

/** Go's net.ParseIP as OPA sees it: an IPv4-mapped IPv6 address is the IPv4 address. */
function parseIp(s: string): IpAddress | undefined {
  const ip = parseAddress(s);
  return ip === undefined ? undefined : unmapIpv4(ip);
}

/** Go's IPNet.Contains: an IPv4 address is inside an IPv6 range as its mapped form. */
function contains(c: IpRange, ip: IpAddress): boolean {
  return rangeContains(c, c.base.bits === 128 ? mapIpv4(ip) : ip);
}

function cidrContains(a: unknown, b: unknown): boolean | undefined {
  if (!isString(a) || !isString(b)) return undefined;
  const net = parseRange(a);
  if (net === undefined) return undefined;
  const ip = parseIp(b);
  if (ip !== undefined) return contains(net, ip);
  const other = parseRange(b);
  if (other === undefined) return undefined;
  return contains(net, other.base) && contains(net, { value: lastAddress(other), bits: other.base.bits });
}

function cidrIntersects(a: unknown, b: unknown): boolean | undefined {
  if (!isString(a) || !isString(b)) return undefined;
  const x = parseRange(a);
  const y = parseRange(b);
  if (x === undefined || y === undefined) return undefined;
  if (x.base.bits !== y.base.bits) return false;
  return contains(x, y.base) || contains(y, x.base);
}

function cidrExpand(a: unknown): string[] | undefined {
  if (!isString(a)) return undefined;
  const c = parseRange(a);
  if (c === undefined) return undefined;
  const size = 1n << BigInt(c.base.bits - c.prefix);
  if (size > BigInt(MAX_RANGE)) return undefined;
  const out: string[] = [];
  for (let i = 0n; i < size; i++) out.push(formatAddress({ value: c.base.value + i, bits: c.base.bits }));
  return out;
}

/**
 * (key, address text) pairs of a cidr_contains_matches operand; arrays/objects/sets may hold
 * `[addr, ...]` tuples. A set's key is the element itself, which needs the set as RegoSet
 * (Rego value text); through plain JSON a set is an array and keys are indexes.
 */
function entries(v: unknown): (readonly [unknown, string])[] | undefined {
  if (isString(v)) return [[v, v]];
  const items: (readonly [unknown, unknown])[] = isArray(v)
    ? v.map((x, i) => [i, x] as const)
    : isRegoSet(v)
      ? v.elems.map((x) => [x, x] as const)
      : isObject(v)
        ? Object.entries(v)
        : [];
  if (!isArray(v) && !isObject(v) && !isRegoSet(v)) return undefined;
  const out: (readonly [unknown, string])[] = [];
  for (const [k, x] of items) {
    const addr = isArray(x) ? x[0] : x;
    if (!isString(addr)) return undefined;
    out.push([k, addr]);
  }
  return out;
}

function cidrContainsMatches(cidrs: unknown, addrs: unknown): unknown[] | undefined {
  const cs = entries(cidrs);
  const as = entries(addrs);
  if (cs === undefined || as === undefined) return undefined;
  const out: unknown[] = [];
  for (const [ck, ctext] of cs) {
    const net = parseRange(ctext);
    if (net === undefined) return undefined;
    for (const [ak, atext] of as) {
      const ip = parseIp(atext);
      const sub = ip === undefined ? parseRange(atext) : undefined;
      if (ip === undefined && sub === undefined) return undefined;
      const hit =
        ip !== undefined
          ? contains(net, ip)
          : sub !== undefined &&
            contains(net, sub.base) &&
            contains(net, { value: lastAddress(sub), bits: sub.base.bits });
      if (hit) out.push([ck, ak]);
    }
  }
  return asSet(out);
}

/** Largest aligned blocks covering [lo, hi]. */
function blocks(lo: bigint, hi: bigint, bits: 32 | 128): IpRange[] {
  const out: IpRange[] = [];
  let cur = lo;
  while (cur <= hi) {
    let h = 0n;
    while (h < BigInt(bits) && (cur & ((1n << (h + 1n)) - 1n)) === 0n && cur + (1n << (h + 1n)) - 1n <= hi) h++;
    out.push({ base: { value: cur, bits }, prefix: bits - Number(h) });
    cur += 1n << h;
  }
  return out;
}

/** A bare IPv4 address takes its classful default mask (Go's IP.DefaultMask), as OPA does; bare IPv6 is an error. */
function classful(a: string): IpRange | undefined {
  const ip = parseIp(a);
  if (ip?.bits !== 32 || a.includes(':')) return undefined;
  const first = Number(ip.value >> 24n);
  const prefix = first < 128 ? 8 : first < 192 ? 16 : first < 224 ? 24 : undefined;
  return prefix === undefined ? undefined : parseRange(`${a}/${prefix}`);
}

function cidrMerge(addrs: unknown): string[] | undefined {
  if (!isArray(addrs)) return undefined;
  const ranges: { lo: bigint; hi: bigint; bits: 32 | 128 }[] = [];
  for (const a of addrs) {
    if (!isString(a)) return undefined;
    const c = a.includes('/') ? parseRange(a) : classful(a);
    if (c === undefined) return undefined;
    ranges.push({ lo: c.base.value, hi: lastAddress(c), bits: c.base.bits });
  }
  const out: string[] = [];
  for (const bits of [32, 128] as const) {
    const rs = ranges.filter((r) => r.bits === bits).sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0));
    let cur: { lo: bigint; hi: bigint } | undefined;
    for (const r of rs) {
      if (cur !== undefined && r.lo <= cur.hi + 1n) {
        if (r.hi > cur.hi) cur.hi = r.hi;
        continue;
      }
      if (cur !== undefined) out.push(...blocks(cur.lo, cur.hi, bits).map(formatRange));
      cur = { lo: r.lo, hi: r.hi };
    }
    if (cur !== undefined) out.push(...blocks(cur.lo, cur.hi, bits).map(formatRange));
  }
  return asSet(out);
}

export const netBuiltins: Readonly<Record<string, HostFn>> = {
  'net.cidr_contains': cidrContains,
  'net.cidr_intersects': cidrIntersects,
  'net.cidr_overlap': cidrContains,
  'net.cidr_is_valid': (s) => isString(s) && parseRange(s) !== undefined,
  'net.cidr_expand': cidrExpand,
  'net.cidr_contains_matches': cidrContainsMatches,
  'net.cidr_merge': cidrMerge,
};
