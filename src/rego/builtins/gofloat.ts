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
  const e = prec === undefined ? a.toExponential() : a.toExponential(Math.max(prec, 1) - 1);
  const [mant = '0', ex = '0'] = e.split('e');
  let d = mant.replace('.', '');
  if (trim || prec === undefined) d = d.replace(/0+$/, '') || '0';
  return { d, dp: Number(ex) + 1 };
}

function fixedFromDigits(g: Digits, decimals: number): string {
  const { d, dp } = g;
  const intPart = dp <= 0 ? '0' : (d.slice(0, dp) + '0'.repeat(Math.max(0, dp - d.length)));
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
  if (a < 1e21) return a.toFixed(Math.min(prec, 100)) + '0'.repeat(Math.max(0, prec - 100));
  return BigInt(a).toString() + (prec > 0 ? `.${'0'.repeat(prec)}` : '');
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
