/** Go's strconv float formatting ('e', 'f', 'g' with shortest or fixed precision) for finite doubles. */

interface Digits {
  /** Significant decimal digits, no leading zeros ("0" for zero). */
  readonly d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  readonly dp: number;
}

/** Shortest round-trip digits when prec is undefined, else `prec` significant digits (trailing zeros trimmed when `trim`). */
function digitsOf(x: number, prec: number | undefined, trim: boolean): Digits {
  const a = Math.abs(x);
  if (a === 0) return { d: prec === undefined || trim ? '0' : '0'.repeat(Math.max(prec, 1)), dp: 1 };
  if (prec === undefined) {
    const [mant = '0', ex = '0'] = a.toExponential().split('e');
    return { d: mant.replace('.', '').replace(/0+$/, '') || '0', dp: Number(ex) + 1 };
  }
  const g = roundDigits(exactDigits(a), Math.max(prec, 1));
  return trim ? g : { d: g.d.padEnd(Math.max(prec, 1), '0'), dp: g.dp };
}

/** The exact decimal value of a finite, non-negative double (no rounding at all). */
function exactDigits(a: number): Digits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? fraction : fraction | (1n << 52n);
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  // value = mant × 2^e2 = s × 10^-k
  const k = Math.max(0, -e2);
  const s = (e2 >= 0 ? mant << BigInt(e2) : mant * 5n ** BigInt(k)).toString();
  return { d: s.replace(/0+$/, '') || '0', dp: s.length - k };
}

/**
 * Rounds to `n` significant digits with ties to even, as Go's strconv does on the exact value
 * (JS toFixed/toExponential round ties up: %.1f of 2.25 is 2.3 in JS, 2.2 in Go). n may be ≤ 0
 * when %f asks for fewer decimals than the number has leading zeros.
 */
export function roundDigits(g: Digits, n: number): Digits {
  if (g.d.length <= n) return g;
  if (n < 0) return { d: '0', dp: 1 };
  const head = g.d.slice(0, n);
  const next = g.d.charAt(n);
  const tail = g.d.slice(n + 1);
  const lastDigit = n === 0 ? 0 : Number(head.charAt(n - 1));
  const up = next > '5' || (next === '5' && (/[1-9]/.test(tail) || lastDigit % 2 === 1));
  if (head === '') return up ? { d: '1', dp: g.dp + 1 } : { d: '0', dp: 1 };
  // head starts with a non-zero digit (g.d has no leading zeros), so trimming never empties it.
  if (!up) return { d: head.replace(/0+$/, ''), dp: g.dp };
  const bumped = (BigInt(head) + 1n).toString();
  return { d: bumped.replace(/0+$/, ''), dp: bumped.length > head.length ? g.dp + 1 : g.dp };
}

function fixedFromDigits(g: Digits, decimals: number): string {
  const { d, dp } = g;
  const intPart = dp <= 0 ? '0' : d.slice(0, dp) + '0'.repeat(Math.max(0, dp - d.length));
  if (decimals <= 0) return intPart;
  let frac = '';
  for (let i = 0; i < decimals; i++) {
    const idx = dp + i;
    frac += idx >= 0 && idx < d.length ? d.charAt(idx) : '0';
  }
  return `${intPart}.${frac}`;
}

function expFromDigits(g: Digits, decimals: number, upper: boolean): string {
  const first = g.d.charAt(0);
  let rest = g.d.slice(1, 1 + decimals);
  rest = rest.padEnd(decimals, '0');
  const exp = g.d === '0' ? 0 : g.dp - 1;
  const es = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${first}${decimals > 0 ? `.${rest}` : ''}${upper ? 'E' : 'e'}${es}`;
}

/** %e / %E: `prec` digits after the point (Go default 6; undefined = shortest). */
export function formatE(x: number, prec: number | undefined, upper = false): string {
  const g = digitsOf(x, prec === undefined ? undefined : prec + 1, false);
  return expFromDigits(g, prec ?? g.d.length - 1, upper);
}

/** %f: `prec` digits after the point (undefined = shortest). */
export function formatF(x: number, prec: number | undefined): string {
  const a = Math.abs(x);
  if (prec === undefined) {
    const g = digitsOf(a, undefined, true);
    return fixedFromDigits(g, Math.max(g.d.length - g.dp, 0));
  }
  if (a === 0) return prec > 0 ? `0.${'0'.repeat(prec)}` : '0';
  const exact = exactDigits(a);
  return fixedFromDigits(roundDigits(exact, exact.dp + prec), prec);
}

/** %g / %G (and %v, shortest): exponent form when exp < -4 or exp >= precision (6 when shortest), as Go does. */
export function formatG(x: number, prec: number | undefined, upper = false): string {
  const shortest = prec === undefined;
  const g = digitsOf(x, shortest ? undefined : Math.max(prec, 1), true);
  const nd = g.d.length;
  let p = shortest ? nd : Math.max(prec, 1);
  let eprec = p;
  if (eprec > nd && nd >= g.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = g.dp - 1;
  if (x !== 0 && (exp < -4 || exp >= eprec)) {
    if (p > nd) p = nd;
    return expFromDigits(g, p - 1, upper);
  }
  if (p > g.dp) p = nd;
  return fixedFromDigits(g, Math.max(p - g.dp, 0));
}
