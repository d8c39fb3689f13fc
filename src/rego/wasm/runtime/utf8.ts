// UTF-8 decoding and encoding as Go's unicode/utf8 does it: an invalid or overlong
// sequence, a surrogate or a value above U+10FFFF decodes as U+FFFD with size 1.

export const RUNE_ERROR: u32 = 0xfffd;

/** Byte size of the rune last decoded by decodeRune / decodeLastRune. */
export let runeSize: u32 = 1;

function cont(p: u32): bool {
  return (load<u8>(p) & 0xc0) == 0x80;
}

/** The rune starting at p (p < end); its size in runeSize. */
export function decodeRune(p: u32, end: u32): u32 {
  const b0 = <u32>load<u8>(p);
  runeSize = 1;
  if (b0 < 0x80) return b0;
  let need: u32 = 0;
  let r: u32 = 0;
  let min: u32 = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 1;
    r = b0 & 0x1f;
    min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    r = b0 & 0x0f;
    min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    r = b0 & 0x07;
    min = 0x10000;
  } else return RUNE_ERROR;
  if (end - p <= need) return RUNE_ERROR;
  for (let i: u32 = 1; i <= need; i++) {
    if (!cont(p + i)) return RUNE_ERROR;
    r = (r << 6) | ((<u32>load<u8>(p + i)) & 0x3f);
  }
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return RUNE_ERROR;
  runeSize = need + 1;
  return r;
}

/** The rune ending at end (start < end); its size in runeSize. */
export function decodeLastRune(start: u32, end: u32): u32 {
  const last = end - 1;
  if (load<u8>(last) < 0x80) {
    runeSize = 1;
    return <u32>load<u8>(last);
  }
  const lim = end - start > 4 ? end - 4 : start;
  let s = last;
  while (s > lim && cont(s)) s--;
  const r = decodeRune(s, end);
  if (s + runeSize != end) {
    runeSize = 1;
    return RUNE_ERROR;
  }
  return r;
}

/** Writes r at p; returns the number of bytes written (1–4). */
export function encodeRune(p: u32, r: u32): u32 {
  if (r < 0x80) {
    store<u8>(p, <u8>r);
    return 1;
  }
  if (r < 0x800) {
    store<u8>(p, <u8>(0xc0 | (r >> 6)));
    store<u8>(p + 1, <u8>(0x80 | (r & 0x3f)));
    return 2;
  }
  if (r < 0x10000) {
    store<u8>(p, <u8>(0xe0 | (r >> 12)));
    store<u8>(p + 1, <u8>(0x80 | ((r >> 6) & 0x3f)));
    store<u8>(p + 2, <u8>(0x80 | (r & 0x3f)));
    return 3;
  }
  store<u8>(p, <u8>(0xf0 | (r >> 18)));
  store<u8>(p + 1, <u8>(0x80 | ((r >> 12) & 0x3f)));
  store<u8>(p + 2, <u8>(0x80 | ((r >> 6) & 0x3f)));
  store<u8>(p + 3, <u8>(0x80 | (r & 0x3f)));
  return 4;
}
