/**
 * Derivation of Go's simple Unicode case mapping (unicode.ToUpper / unicode.ToLower, Unicode
 * 15.0.0, which OPA's strings.ToUpper / strings.ToLower apply rune by rune) from the JS
 * engine's case mapping, for `unicase-gen.ts` to freeze into tables. Only used to (re)generate
 * and check those tables: lower/upper read the frozen tables, so their results do not depend
 * on the Node version.
 *
 * JS applies the full mapping (SpecialCasing: "ß" → "SS", "İ" → "i̇") and Greek final-sigma
 * context; per code point, a multi-code-point result means "no simple mapping" except for the
 * few code points in SIMPLE_EXCEPTIONS. Case pairs added after Unicode 15.0 are excluded.
 */

/** Code points with a multi-code-point full mapping whose simple mapping is not the identity. */
interface Simple {
  readonly upper?: number;
  readonly lower?: number;
}
const SIMPLE_EXCEPTIONS: ReadonlyMap<number, Simple> = new Map<number, Simple>([
  [0x0130, { lower: 0x0069 }],
  ...[0x1f80, 0x1f90, 0x1fa0].flatMap((base) =>
    Array.from({ length: 8 }, (_, i): [number, Simple] => [base + i, { upper: base + i + 8 }]),
  ),
  [0x1fb3, { upper: 0x1fbc }],
  [0x1fc3, { upper: 0x1fcc }],
  [0x1ff3, { upper: 0x1ffc }],
]);

/** Inclusive ranges of code points whose case mappings arrived after Unicode 15.0 (Go keeps them unmapped). */
const AFTER_UNICODE_15: readonly (readonly [number, number])[] = [
  [0x019b, 0x019b],
  [0x0264, 0x0264],
  [0x1c89, 0x1c8a],
  [0xa7cb, 0xa7cf],
  [0xa7d2, 0xa7d5],
  [0xa7da, 0xa7dc],
  [0x10d50, 0x10d65],
  [0x10d70, 0x10d85],
  [0x16ea0, 0x16eb8],
  [0x16ebb, 0x16ed3],
];

function simpleMapping(cp: number, upper: boolean): number {
  if (AFTER_UNICODE_15.some(([lo, hi]) => cp >= lo && cp <= hi)) return cp;
  const exception = SIMPLE_EXCEPTIONS.get(cp);
  if (exception !== undefined) return (upper ? exception.upper : exception.lower) ?? cp;
  const ch = String.fromCodePoint(cp);
  // A mapping to several code points (ß → SS) is not a simple mapping: the code point stays.
  const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
  const first = mapped.codePointAt(0) ?? cp;
  return String.fromCodePoint(first) === mapped ? first : cp;
}

/**
 * Case mapping as a flat list of entries [lo, hi, delta, stride]: code points lo, lo+stride, …
 * ≤ hi map to cp + delta (stride 1 or 2; entries sorted and non-overlapping). Every other
 * code point maps to itself.
 */
export function deriveCaseTable(upper: boolean): number[] {
  const deltas: [number, number][] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const d = simpleMapping(cp, upper) - cp;
    if (d !== 0) deltas.push([cp, d]);
  }
  const mapped = new Set(deltas.map(([cp]) => cp));
  const out: number[] = [];
  let i = 0;
  while (i < deltas.length) {
    const [lo, d] = deltas[i] ?? [0, 0];
    const next = deltas[i + 1];
    const stride = next?.[1] === d && next[0] === lo + 2 && !mapped.has(lo + 1) ? 2 : 1;
    let hi = lo;
    i++;
    for (;;) {
      const n = deltas[i];
      if (n?.[1] !== d || n[0] !== hi + stride || (stride === 2 && mapped.has(hi + 1))) break;
      hi = n[0];
      i++;
    }
    out.push(lo, hi, d, stride);
  }
  return out;
}
