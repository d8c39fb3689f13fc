/** IP addresses as integers, with Go's net.ParseIP / ParseCIDR acceptance rules. */
export interface Ip { readonly v: bigint; readonly bits: 32 | 128 }
export interface Cidr { readonly net: Ip; readonly prefix: number }

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
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

function parseV6(s: string): bigint | undefined {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const dbl = text.indexOf('::');
  let groups: bigint[];
  if (dbl >= 0) {
    if (text.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = parseGroups(text.slice(0, dbl));
    const rest = parseGroups(text.slice(dbl + 2));
    if (head === undefined || rest === undefined) return undefined;
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...Array<bigint>(fill).fill(0n), ...rest];
  } else {
    const all = parseGroups(text);
    if (all === undefined) return undefined;
    groups = all;
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** An address; IPv4-mapped IPv6 addresses are treated as IPv4 (as Go does). */
export function parseIp(s: string): Ip | undefined {
  if (s.includes(':')) {
    const v = parseV6(s);
    if (v === undefined) return undefined;
    return v >> 32n === 0xffffn ? { v: v & 0xffffffffn, bits: 32 } : { v, bits: 128 };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { v, bits: 32 };
}

export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addrText = s.slice(0, slash);
  const pfx = s.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(pfx)) return undefined;
  const prefix = Number(pfx);
  const ip = addrText.includes(':') ? parseV6(addrText) : parseV4(addrText);
  if (ip === undefined) return undefined;
  const bits = addrText.includes(':') ? 128 : 32;
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { net: { v: (ip >> hostBits) << hostBits, bits }, prefix };
}

export function lastOf(c: Cidr): bigint {
  return c.net.v | ((1n << BigInt(c.net.bits - c.prefix)) - 1n);
}

export function contains(c: Cidr, ip: Ip): boolean {
  let v = ip.v;
  if (c.net.bits !== ip.bits) {
    if (c.net.bits === 128 && ip.bits === 32) v = MAPPED_PREFIX | ip.v;
    else return false;
  }
  return v >= c.net.v && v <= lastOf(c);
}

function formatV6(v: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function formatIp(ip: Ip): string {
  if (ip.bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((ip.v >> s) & 0xffn)).join('.');
  return formatV6(ip.v);
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.net)}/${c.prefix}`;
}
