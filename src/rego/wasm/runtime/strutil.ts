// UTF-8 helpers over raw bytes.

import { alloc } from './alloc';
import { mkString } from './value';

/** String value holding a static ASCII literal. */
export function strFromAscii(s: string): u32 {
  const n = <u32>s.length;
  const p = alloc(n);
  for (let i: u32 = 0; i < n; i++) store<u8>(p + i, <u8>s.charCodeAt(<i32>i));
  return mkString(p, n);
}

/** Number of code points (count of non-continuation bytes). */
export function utf8Count(p: u32, n: u32): u32 {
  let c: u32 = 0;
  for (let i: u32 = 0; i < n; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) c++;
  return c;
}

/** Byte offset of the code point with index cp (clamped to n). */
export function utf8Offset(p: u32, n: u32, cp: u32): u32 {
  let seen: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    if ((load<u8>(p + i) & 0xc0) != 0x80) {
      if (seen == cp) return i;
      seen++;
    }
  }
  return n;
}

/** Byte index of needle in hay starting at byte from, or -1. */
export function bytesIndexOf(hp: u32, hn: u32, np: u32, nn: u32, from: u32): i32 {
  if (nn == 0) return from <= hn ? <i32>from : -1;
  if (nn > hn) return -1;
  for (let i = from; i + nn <= hn; i++) {
    if (load<u8>(hp + i) == load<u8>(np) && memory.compare(hp + i, np, nn) == 0) return <i32>i;
  }
  return -1;
}
