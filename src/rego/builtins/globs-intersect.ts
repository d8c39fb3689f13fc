/**
 * regex.globs_match: whether two "simplified regexes" (literals, `.`, `[...]` classes with
 * ranges and `^` negation, `\` escapes, and `*` / `+` on a single token) can match a common
 * string. Decided by a search over the product of the two token automata, so it is
 * polynomial in the pattern lengths. Malformed patterns (unbalanced brackets, a leading
 * quantifier) are errors: undefined.
 */
interface CharSet {
  readonly neg: boolean;
  readonly ranges: readonly (readonly [number, number])[];
}
interface Token {
  readonly set: CharSet;
  readonly star: boolean;
}

const MAX_CP = 0x10ffff;

function parseClass(cps: readonly number[], start: number): { set: CharSet; next: number } | undefined {
  let i = start;
  let neg = false;
  if (cps[i] === 0x5e) {
    neg = true;
    i++;
  }
  const ranges: [number, number][] = [];
  let first = true;
  for (;;) {
    let c = cps[i];
    if (c === undefined) return undefined;
    if (c === 0x5d && !first) return { set: { neg, ranges }, next: i + 1 };
    first = false;
    if (c === 0x5c) {
      i++;
      c = cps[i];
      if (c === undefined) return undefined;
    }
    let hi = c;
    if (cps[i + 1] === 0x2d && cps[i + 2] !== undefined && cps[i + 2] !== 0x5d) {
      hi = cps[i + 2] ?? c;
      if (hi === 0x5c) {
        hi = cps[i + 3] ?? c;
        i++;
      }
      i += 2;
      if (hi < c) return undefined;
    }
    ranges.push([c, hi]);
    i++;
  }
}

function parse(pattern: string): Token[] | undefined {
  const cps = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  const out: Token[] = [];
  let i = 0;
  while (i < cps.length) {
    const c = cps[i] ?? 0;
    let set: CharSet;
    if (c === 0x2a || c === 0x2b) {
      const last = out.pop();
      if (last === undefined || last.star) return undefined;
      out.push({ set: last.set, star: true });
      if (c === 0x2b) out.splice(out.length - 1, 0, { set: last.set, star: false });
      i++;
      continue;
    }
    if (c === 0x5d) return undefined;
    if (c === 0x5b) {
      const cls = parseClass(cps, i + 1);
      if (cls === undefined) return undefined;
      set = cls.set;
      i = cls.next;
    } else if (c === 0x2e) {
      set = { neg: true, ranges: [] };
      i++;
    } else {
      let lit = c;
      if (c === 0x5c) {
        i++;
        lit = cps[i] ?? -1;
        if (lit < 0) return undefined;
      }
      set = { neg: false, ranges: [[lit, lit]] };
      i++;
    }
    out.push({ set, star: false });
  }
  return out;
}

function covers(ranges: readonly (readonly [number, number])[], lo: number, hi: number): boolean {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let next = lo;
  for (const [a, b] of sorted) {
    if (a > next) break;
    if (b >= next) next = b + 1;
    if (next > hi) return true;
  }
  return next > hi;
}

function intersects(x: CharSet, y: CharSet): boolean {
  if (!x.neg && !y.neg) return x.ranges.some(([a, b]) => y.ranges.some(([c, d]) => a <= d && c <= b));
  if (x.neg && y.neg) return !covers([...x.ranges, ...y.ranges], 0, MAX_CP);
  const pos = x.neg ? y : x;
  const neg = x.neg ? x : y;
  return pos.ranges.some(([a, b]) => !covers(neg.ranges, a, b));
}

export function globsIntersect(a: string, b: string): boolean | undefined {
  const ta = parse(a);
  const tb = parse(b);
  if (ta === undefined || tb === undefined) return undefined;
  const seen = new Set<number>();
  const width = tb.length + 1;
  const stack: (readonly [number, number])[] = [[0, 0]];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    const [i, j] = top;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === ta.length && j === tb.length) return true;
    const x = ta[i];
    const y = tb[j];
    if (x?.star === true) stack.push([i + 1, j]);
    if (y?.star === true) stack.push([i, j + 1]);
    if (x !== undefined && y !== undefined && intersects(x.set, y.set)) {
      stack.push([x.star ? i : i + 1, y.star ? j : j + 1]);
    }
  }
  return false;
}
