import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A parsed `address/prefix` range; only parseCidr produces these. */
export interface Cidr {
  readonly text: string;
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

const MAPPED_PREFIX = 0xffffn << 32n;
const LOW_32 = 0xffff_ffffn;

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** Expands `a:b::c` (and a trailing dotted quad) to eight 16-bit groups. */
function parseV6(text: string): bigint {
  let groups = text;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(groups)?.[1];
  if (dotted !== undefined) {
    const v = parseV4(dotted);
    groups = `${groups.slice(0, -dotted.length)}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = groups.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros: string[] = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Parses an IPv4 or IPv6 literal (brackets and a zone id are dropped); undefined otherwise. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return { family: 4, value: parseV4(bare) };
  if (isIPv6(bare)) return { family: 6, value: parseV6(bare) };
  return undefined;
}

/** `10.0.0.0/8`, `fe80::/10`, or a bare address (a single-address range); undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (ip === undefined || addr.includes('%') || addr.startsWith('[')) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const mask = ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { text: text.trim(), family: ip.family, base: ip.value & mask, prefix };
}

function inRange(ip: IpAddress, c: Cidr): boolean {
  if (ip.family !== c.family) return false;
  const shift = BigInt((ip.family === 4 ? 32 : 128) - c.prefix);
  return ip.value >> shift === c.base >> shift;
}

/**
 * The first range containing `ip`. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is also
 * checked as the IPv4 address it carries, so `[::ffff:a9fe:a9fe]` cannot slip past 169.254.0.0/16.
 */
export function blockingRange(ip: IpAddress, ranges: readonly Cidr[]): Cidr | undefined {
  const mapped: IpAddress | undefined =
    ip.family === 6 && ip.value >> 32n === MAPPED_PREFIX >> 32n ? { family: 4, value: ip.value & LOW_32 } : undefined;
  return ranges.find((c) => inRange(ip, c) || (mapped !== undefined && inRange(mapped, c)));
}
