/**
 * Locates and reads the precompiled runtime (runtime/build/runtime.wasm, built by
 * `npm run build:runtime`) next to this module, and lists its active data segments
 * (binaryen's JS API cannot re-declare memory without them).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ImagegateError } from '../../errors/index.js';

export const RUNTIME_URL = new URL('./runtime/build/runtime.wasm', import.meta.url);

let cached: Uint8Array | undefined;

/** The runtime module bytes (read once per process). */
export function runtimeBytes(): Uint8Array {
  if (cached !== undefined) return cached;
  try {
    cached = new Uint8Array(readFileSync(RUNTIME_URL));
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_WASM_RUNTIME_MISSING',
      `Rego wasm runtime not found at ${fileURLToPath(RUNTIME_URL)}; run \`npm run build:runtime\` (and copy it next to the compiled emitter)`,
      { cause: err },
    );
  }
  return cached;
}

export interface DataSegment {
  readonly offset: number;
  readonly data: Uint8Array;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined)
      throw new ImagegateError(
        'IMAGEGATE_WASM_RUNTIME_INVALID',
        'runtime.wasm is truncated; rebuild it with `npm run build:runtime`',
      );
    this.pos++;
    return b;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  i32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) !== 0);
    return shift < 32 && (b & 0x40) !== 0 ? result | (~0 << shift) : result;
  }
}

function badRuntime(what: string): never {
  throw new ImagegateError(
    'IMAGEGATE_WASM_RUNTIME_INVALID',
    `runtime.wasm: ${what}; rebuild it with \`npm run build:runtime\``,
  );
}

/** Active data segments of memory 0 (offset given by i32.const). */
export function dataSegments(wasm: Uint8Array): readonly DataSegment[] {
  const r = new Reader(wasm);
  r.pos = 8;
  const out: DataSegment[] = [];
  while (r.pos < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 11) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const flags = r.u32();
        if (flags !== 0) badRuntime(`data segment ${i} is not an active memory-0 segment (flags ${flags})`);
        if (r.byte() !== 0x41) badRuntime(`data segment ${i} offset is not i32.const`);
        const offset = r.i32();
        if (r.byte() !== 0x0b) badRuntime(`data segment ${i} offset expression is not constant`);
        const len = r.u32();
        out.push({ offset, data: wasm.slice(r.pos, r.pos + len) });
        r.pos += len;
      }
    }
    r.pos = end;
  }
  return out;
}

/** Names of all exports of a module. */
export function exportNames(wasm: Uint8Array): readonly string[] {
  const r = new Reader(wasm);
  r.pos = 8;
  const out: string[] = [];
  const decoder = new TextDecoder();
  while (r.pos < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 7) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const len = r.u32();
        out.push(decoder.decode(wasm.subarray(r.pos, r.pos + len)));
        r.pos += len;
        r.byte();
        r.u32();
      }
    }
    r.pos = end;
  }
  return out;
}
