// Go's unicode.ToUpper / ToLower (simple case mapping, Unicode 15.0.0) and unicode.IsSpace,
// over the generated tables (unicase-table.ts, shared with the host version).

import { UPPER_TABLE, UPPER_ENTRIES, LOWER_TABLE, LOWER_ENTRIES } from './unicase-table';

function lookup(table: usize, entries: u32, cp: u32): u32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>entries - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = table + ((<usize>mid) << 4);
    const start = <u32>load<i32>(e);
    if (cp < start) {
      hi = mid - 1;
      continue;
    }
    if (cp > <u32>load<i32>(e, 4)) {
      lo = mid + 1;
      continue;
    }
    const stride = <u32>load<i32>(e, 12);
    return (cp - start) % stride == 0 ? <u32>(<i32>cp + load<i32>(e, 8)) : cp;
  }
  return cp;
}

export function toUpperRune(cp: u32): u32 {
  if (cp < 0x80) return cp >= 97 && cp <= 122 ? cp - 32 : cp;
  return lookup(UPPER_TABLE, UPPER_ENTRIES, cp);
}

export function toLowerRune(cp: u32): u32 {
  if (cp < 0x80) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
  return lookup(LOWER_TABLE, LOWER_ENTRIES, cp);
}

/** unicode.IsSpace: ASCII and Latin-1 spaces, then the White_Space property. */
export function isSpaceRune(r: u32): bool {
  if (r < 0x100) return r == 32 || (r >= 9 && r <= 13) || r == 0x85 || r == 0xa0;
  return (
    r == 0x1680 ||
    (r >= 0x2000 && r <= 0x200a) ||
    r == 0x2028 ||
    r == 0x2029 ||
    r == 0x202f ||
    r == 0x205f ||
    r == 0x3000
  );
}
