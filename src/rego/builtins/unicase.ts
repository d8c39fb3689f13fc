/**
 * Go's unicode.ToUpper / unicode.ToLower (simple case mapping, Unicode 15.0.0, no context: "ß"
 * stays "ß" in upper case, "İ" lowers to "i", "Σ" always lowers to "σ") over the frozen tables
 * that the native runtime shares (unicase-gen.ts).
 */
import { LOWER_TABLE, UPPER_TABLE } from './unicase-table.js';

function lookup(table: readonly number[], cp: number): number {
  let lo = 0;
  let hi = table.length / 4 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = table[mid * 4] ?? 0;
    if (cp < start) {
      hi = mid - 1;
      continue;
    }
    if (cp > (table[mid * 4 + 1] ?? 0)) {
      lo = mid + 1;
      continue;
    }
    const stride = table[mid * 4 + 3] ?? 1;
    return (cp - start) % stride === 0 ? cp + (table[mid * 4 + 2] ?? 0) : cp;
  }
  return cp;
}

/** Go's strings.ToUpper (upper) or strings.ToLower of a string, code point by code point. */
export function mapCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    out += String.fromCodePoint(lookup(upper ? UPPER_TABLE : LOWER_TABLE, cp));
  }
  return out;
}
