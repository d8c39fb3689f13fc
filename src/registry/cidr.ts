import { parseAddress, rangeContains, rangeOf, unmapIpv4, type IpAddress, type IpRange } from '../net/index.js';

export type { IpAddress } from '../net/index.js';

/** A registries.blockedCidrs entry: the range and the text it was written as (for messages). */
export interface Cidr extends IpRange {
  readonly text: string;
}

/** An address a registry host names or resolves to: brackets and a zone id are dropped. */
export function parseIp(text: string): IpAddress | undefined {
  return parseAddress(text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''));
}

/**
 * `10.0.0.0/8`, `fe80::/10`, or a bare address (a single-address range), surrounding space
 * ignored; no brackets or zone ids. Undefined when invalid.
 */
export function parseCidr(text: string): Cidr | undefined {
  const trimmed = text.trim();
  const [addr = '', prefixText, extra] = trimmed.split('/');
  if (extra !== undefined) return undefined;
  const ip = parseAddress(addr);
  if (ip === undefined) return undefined;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const range = rangeOf(ip, prefixText === undefined ? ip.bits : Number(prefixText));
  return range === undefined ? undefined : { ...range, text: trimmed };
}

/**
 * The first range containing `ip`. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is also
 * checked as the IPv4 address it carries, so `[::ffff:a9fe:a9fe]` cannot slip past 169.254.0.0/16.
 */
export function blockingRange(ip: IpAddress, ranges: readonly Cidr[]): Cidr | undefined {
  const unmapped = unmapIpv4(ip);
  return ranges.find((c) => rangeContains(c, ip) || rangeContains(c, unmapped));
}
