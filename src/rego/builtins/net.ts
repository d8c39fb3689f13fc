import { contains, formatCidr, formatIp, lastOf, parseCidr, parseIp } from './ip.js';
import type { Cidr } from './ip.js';
import { MAX_RANGE } from './numbers.js';
import type { HostFn } from './types.js';
import { asSet, isArray, isObject, isRegoSet, isString } from './values.js';

/**
 * net.cidr_* built-ins (Go net semantics). Invalid addresses make the call undefined.
 * net.cidr_expand is capped at MAX_RANGE addresses so a request cannot force a huge set.
 */

function cidrContains(a: unknown, b: unknown): boolean | undefined {
  if (!isString(a) || !isString(b)) return undefined;
  const net = parseCidr(a);
  if (net === undefined) return undefined;
  const ip = parseIp(b);
  if (ip !== undefined) return contains(net, ip);
  const other = parseCidr(b);
  if (other === undefined) return undefined;
  return contains(net, other.net) && contains(net, { v: lastOf(other), bits: other.net.bits });
}

function cidrIntersects(a: unknown, b: unknown): boolean | undefined {
  if (!isString(a) || !isString(b)) return undefined;
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (x === undefined || y === undefined) return undefined;
  if (x.net.bits !== y.net.bits) return false;
  return contains(x, y.net) || contains(y, x.net);
}

function cidrExpand(a: unknown): string[] | undefined {
  if (!isString(a)) return undefined;
  const c = parseCidr(a);
  if (c === undefined) return undefined;
  const size = 1n << BigInt(c.net.bits - c.prefix);
  if (size > BigInt(MAX_RANGE)) return undefined;
  const out: string[] = [];
  for (let i = 0n; i < size; i++) out.push(formatIp({ v: c.net.v + i, bits: c.net.bits }));
  return out;
}

/**
 * (key, address text) pairs of a cidr_contains_matches operand; arrays/objects/sets may hold
 * `[addr, ...]` tuples. A set's key is the element itself, which needs the set as RegoSet
 * (Rego value text); through plain JSON a set is an array and keys are indexes.
 */
function entries(v: unknown): Array<readonly [unknown, string]> | undefined {
  if (isString(v)) return [[v, v]];
  const items: Array<readonly [unknown, unknown]> = isArray(v) ? v.map((x, i) => [i, x] as const)
    : isRegoSet(v) ? v.elems.map((x) => [x, x] as const) : isObject(v) ? Object.entries(v) : [];
  if (!isArray(v) && !isObject(v) && !isRegoSet(v)) return undefined;
  const out: Array<readonly [unknown, string]> = [];
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
    const net = parseCidr(ctext);
    if (net === undefined) return undefined;
    for (const [ak, atext] of as) {
      const ip = parseIp(atext);
      const sub = ip === undefined ? parseCidr(atext) : undefined;
      if (ip === undefined && sub === undefined) return undefined;
      const hit = ip !== undefined ? contains(net, ip) : sub !== undefined && contains(net, sub.net) && contains(net, { v: lastOf(sub), bits: sub.net.bits });
      if (hit) out.push([ck, ak]);
    }
  }
  return asSet(out);
}

/** Largest aligned blocks covering [lo, hi]. */
function blocks(lo: bigint, hi: bigint, bits: 32 | 128): Cidr[] {
  const out: Cidr[] = [];
  let cur = lo;
  while (cur <= hi) {
    let h = 0n;
    while (h < BigInt(bits) && (cur & ((1n << (h + 1n)) - 1n)) === 0n && cur + (1n << (h + 1n)) - 1n <= hi) h++;
    out.push({ net: { v: cur, bits }, prefix: bits - Number(h) });
    cur += 1n << h;
  }
  return out;
}

/** A bare IPv4 address takes its classful default mask (Go's IP.DefaultMask), as OPA does; bare IPv6 is an error. */
function classful(a: string): Cidr | undefined {
  const ip = parseIp(a);
  if (ip === undefined || ip.bits !== 32 || a.includes(':')) return undefined;
  const first = Number(ip.v >> 24n);
  const prefix = first < 128 ? 8 : first < 192 ? 16 : first < 224 ? 24 : undefined;
  return prefix === undefined ? undefined : parseCidr(`${a}/${prefix}`);
}

function cidrMerge(addrs: unknown): string[] | undefined {
  if (!isArray(addrs)) return undefined;
  const ranges: Array<{ lo: bigint; hi: bigint; bits: 32 | 128 }> = [];
  for (const a of addrs) {
    if (!isString(a)) return undefined;
    const c = a.includes('/') ? parseCidr(a) : classful(a);
    if (c === undefined) return undefined;
    ranges.push({ lo: c.net.v, hi: lastOf(c), bits: c.net.bits });
  }
  const out: string[] = [];
  for (const bits of [32, 128] as const) {
    const rs = ranges.filter((r) => r.bits === bits).sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0));
    let cur: { lo: bigint; hi: bigint } | undefined;
    for (const r of rs) {
      if (cur !== undefined && r.lo <= cur.hi + 1n) { if (r.hi > cur.hi) cur.hi = r.hi; continue; }
      if (cur !== undefined) out.push(...blocks(cur.lo, cur.hi, bits).map(formatCidr));
      cur = { lo: r.lo, hi: r.hi };
    }
    if (cur !== undefined) out.push(...blocks(cur.lo, cur.hi, bits).map(formatCidr));
  }
  return asSet(out);
}

export const netBuiltins: Readonly<Record<string, HostFn>> = {
  'net.cidr_contains': cidrContains,
  'net.cidr_intersects': cidrIntersects,
  'net.cidr_overlap': cidrContains,
  'net.cidr_is_valid': (s) => isString(s) && parseCidr(s) !== undefined,
  'net.cidr_expand': cidrExpand,
  'net.cidr_contains_matches': cidrContainsMatches,
  'net.cidr_merge': cidrMerge,
};
