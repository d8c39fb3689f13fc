/**
 * Constant data the emitter writes into the policy's data segment, in the runtime's
 * value layout (runtime/value.ts): interned strings (12-byte header + UTF-8 bytes),
 * null/true/false, and raw text blobs (JSON for builtins()/entrypoints()). Every value
 * is 8-byte aligned; addresses are absolute (the segment is placed at `base`).
 */

const T_NULL = 1;
const T_BOOL = 2;
const T_STRING = 4;

export interface ConstAddr {
  /** Address of the value. */
  readonly value: number;
  /** Address and length of the UTF-8 bytes (strings and blobs). */
  readonly bytes: number;
  readonly length: number;
}

export class DataBuilder {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private readonly strings = new Map<string, ConstAddr>();
  readonly nullAddr: number;
  readonly falseAddr: number;
  readonly trueAddr: number;

  constructor(readonly base: number) {
    this.nullAddr = this.push(Uint8Array.of(T_NULL, 0, 0, 0, 0, 0, 0, 0));
    this.falseAddr = this.push(Uint8Array.of(T_BOOL, 0, 0, 0, 0, 0, 0, 0));
    this.trueAddr = this.push(Uint8Array.of(T_BOOL, 1, 0, 0, 0, 0, 0, 0));
  }

  /** Appends bytes at the next 8-byte boundary; returns their address. */
  private push(bytes: Uint8Array): number {
    const pad = (8 - (this.size % 8)) % 8;
    if (pad > 0) {
      this.chunks.push(new Uint8Array(pad));
      this.size += pad;
    }
    const addr = this.base + this.size;
    this.chunks.push(bytes);
    this.size += bytes.length;
    return addr;
  }

  /** Interned string value for s (deduplicated). */
  string(s: string): ConstAddr {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    const utf8 = new TextEncoder().encode(s);
    const buf = new Uint8Array(12 + utf8.length + 1);
    const view = new DataView(buf.buffer);
    const value = this.base + this.size + ((8 - (this.size % 8)) % 8);
    view.setUint8(0, T_STRING);
    view.setUint32(4, utf8.length, true);
    view.setUint32(8, value + 12, true);
    buf.set(utf8, 12);
    const addr = this.push(buf);
    const c = { value: addr, bytes: addr + 12, length: utf8.length };
    this.strings.set(s, c);
    return c;
  }

  /** Raw NUL-terminated text (not a value). */
  text(s: string): ConstAddr {
    const utf8 = new TextEncoder().encode(s);
    const buf = new Uint8Array(utf8.length + 1);
    buf.set(utf8);
    const addr = this.push(buf);
    return { value: addr, bytes: addr, length: utf8.length };
  }

  /** First free address after the data, 8-byte aligned. */
  end(): number {
    return this.base + this.size + ((8 - (this.size % 8)) % 8);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
