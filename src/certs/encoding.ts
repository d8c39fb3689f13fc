import { isIPv4 } from 'node:net';
import { randomBytes } from 'node:crypto';

const SERIAL_BYTES = 16;

/**
 * A random positive serial below 2^128 as the hex of its minimal DER INTEGER content: leading
 * zero bytes dropped, and a 0x00 prefix when the top bit is set so it is not read as negative.
 * Go's crypto/x509 (the API server) rejects negative and non-minimally encoded serials.
 */
export function randomSerialHex(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const bytes = random(SERIAL_BYTES);
    const start = bytes.findIndex((b) => b !== 0);
    if (start === -1) continue;
    const trimmed = bytes.subarray(start);
    const hex = trimmed.toString('hex');
    const first = trimmed[0] ?? 0;
    return first >= 0x80 ? `00${hex}` : hex;
  }
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map((part) => Number.parseInt(part, 10));
}

/** Expands an IPv6 text (possibly with "::" and an IPv4 tail) to its 8 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  const lastColon = ip.lastIndexOf(':');
  const tail = ip.slice(lastColon + 1);
  let text = ip;
  if (isIPv4(tail)) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(tail);
    text = `${ip.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  const parse = (half: string | undefined): number[] =>
    half === undefined || half === '' ? [] : half.split(':').map((g) => Number.parseInt(g, 16));
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const zeros: number[] = new Array<number>(8 - head.length - rest.length).fill(0);
  return halves.length === 2 ? [...head, ...zeros, ...rest] : head;
}

/** Network-order bytes of an address already validated with net.isIP (4 or 16 bytes). */
export function ipToBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ipv4Bytes(ip));
  const out = Buffer.alloc(16);
  ipv6Groups(ip).forEach((group, i) => out.writeUInt16BE(group, i * 2));
  return out;
}
