/**
 * IP addresses and ranges as integers, with Go's net.ParseIP / ParseCIDR acceptance rules:
 * dotted quads without leading zeros, IPv6 groups of 1-4 hex digits, one `::` that stands for
 * at least one group, an embedded dotted quad at the end. No brackets, no zone ids: callers
 * strip those where their input allows them. Dependency-free, as the Rego evaluator threads
 * import it (net.cidr_* built-ins) as well as the registry's SSRF guard (blockedCidrs).
 */

/** An address: 32 bits for IPv4, 128 bits for IPv6 (an IPv4-mapped IPv6 address stays 128). */
export interface IpAddress {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

/** `base/prefix` with the host bits of `base` cleared. */
export interface IpRange {
  readonly base: IpAddress;
  readonly prefix: number;
}

const MAPPED_PREFIX = 0xffffn << 32n;
const LOW_32 = 0xffff_ffffn;
const DECIMAL = /^(?:0|[1-9]\d{0,2})$/;

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!DECIMAL.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(p);
  }
  return v;
}

function parseGroups(s: string): bigint[] | undefined {
  if (s === '') return [];
  const out: bigint[] = [];
  for (const g of s.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(BigInt(`0x${g}`));
  }
  return out;
}

/** The eight groups of `s`, with a trailing dotted quad turned into two groups. */
function groupsOf(s: string): bigint[] | undefined {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const dbl = text.indexOf('::');
  if (dbl < 0) return parseGroups(text);
  if (text.includes('::', dbl + 1)) return undefined;
  const head = parseGroups(text.slice(0, dbl));
  const rest = parseGroups(text.slice(dbl + 2));
  if (head === undefined || rest === undefined) return undefined;
  const fill = 8 - head.length - rest.length;
  return fill < 1 ? undefined : [...head, ...Array<bigint>(fill).fill(0n), ...rest];
}

function parseV6(s: string): bigint | undefined {
  const groups = groupsOf(s);
  if (groups?.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An address literal (IPv6 when it has a colon); undefined when invalid. */
export function parseAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseV6(text);
    return value === undefined ? undefined : { bits: 128, value };
  }
  const value = parseV4(text);
  return value === undefined ? undefined : { bits: 32, value };
}

/** `::ffff:a.b.c.d` as the IPv4 address it carries; any other address unchanged. */
export function unmapIpv4(ip: IpAddress): IpAddress {
  return ip.bits === 128 && ip.value >> 32n === 0xffffn ? { bits: 32, value: ip.value & LOW_32 } : ip;
}

/** An IPv4 address as its IPv4-mapped IPv6 form; an IPv6 address unchanged. */
export function mapIpv4(ip: IpAddress): IpAddress {
  return ip.bits === 32 ? { bits: 128, value: MAPPED_PREFIX | ip.value } : ip;
}

/** The range of `prefix` leading bits around `ip`; undefined when `prefix` exceeds its bits. */
export function rangeOf(ip: IpAddress, prefix: number): IpRange | undefined {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > ip.bits) return undefined;
  const hostBits = BigInt(ip.bits - prefix);
  return { base: { bits: ip.bits, value: (ip.value >> hostBits) << hostBits }, prefix };
}

/** `address/prefix` as Go's ParseCIDR reads it (prefix in decimal without leading zeros). */
export function parseRange(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = text.slice(slash + 1);
  if (!DECIMAL.test(prefix)) return undefined;
  const ip = parseAddress(text.slice(0, slash));
  return ip === undefined ? undefined : rangeOf(ip, Number(prefix));
}

/** The highest address of `r`, as an integer of its family. */
export function lastAddress(r: IpRange): bigint {
  return r.base.value | ((1n << BigInt(r.base.bits - r.prefix)) - 1n);
}

/** True when `ip` is inside `r`; an address of the other family never is. */
export function rangeContains(r: IpRange, ip: IpAddress): boolean {
  return ip.bits === r.base.bits && ip.value >= r.base.value && ip.value <= lastAddress(r);
}

function formatV6(v: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Go's String(): dotted quad, or RFC 5952 IPv6 (longest run of two or more zero groups as `::`). */
export function formatAddress(ip: IpAddress): string {
  if (ip.bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  return formatV6(ip.value);
}

export function formatRange(r: IpRange): string {
  return `${formatAddress(r.base)}/${r.prefix}`;
}

export { readBounded } from './body.js';
