import { RE2JS } from 're2js';

/**
 * Compiled RE2 patterns (linear-time matching: a pattern or input cannot make a match take
 * exponential time, which a backtracking RegExp would allow). Invalid patterns compile to
 * undefined. The cache is bounded so attacker-chosen patterns cannot grow memory.
 */
const CACHE_LIMIT = 256;
const cache = new Map<string, RE2JS | null>();

export function compileRe2(pattern: string): RE2JS | undefined {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit ?? undefined;
  let re: RE2JS | null;
  try {
    re = RE2JS.compile(pattern);
  } catch (err: unknown) {
    if (!(err instanceof Error)) throw err;
    re = null;
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(pattern, re);
  return re ?? undefined;
}

/** Group boundaries [start0, end0, start1, end1, ...] (UTF-16 offsets, -1 when unmatched) of the leftmost match at or after `pos`. */
export function execAt(re: RE2JS, s: string, pos: number): number[] | undefined {
  const m = re.matcher(s);
  if (!m.find(pos)) return undefined;
  const out: number[] = [];
  for (let g = 0; g <= m.groupCount(); g++) out.push(m.start(g), m.end(g));
  return out;
}

function runeWidth(s: string, pos: number): number {
  return (s.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1;
}

/** Go's allMatches: successive non-overlapping matches; an empty match right after a match is skipped. `n < 0` means all. */
export function allMatches(re: RE2JS, s: string, n: number): number[][] {
  const out: number[][] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    const m = execAt(re, s, pos);
    if (m === undefined) break;
    const start = m[0] ?? 0;
    const end = m[1] ?? 0;
    let accept = true;
    if (end === pos) {
      if (start === prevEnd) accept = false;
      pos += pos < s.length ? runeWidth(s, pos) : 1;
    } else {
      pos = end;
    }
    prevEnd = end;
    if (accept) out.push(m);
  }
  return out;
}

/** Go's Regexp.Expand of a `$1` / `${name}` template for one match. */
export function expand(re: RE2JS, template: string, s: string, m: readonly number[]): string {
  const names = re.namedGroups();
  const group = (name: string): string => {
    let idx = /^\d+$/.test(name) ? Number(name) : names[name];
    if (idx === undefined) return '';
    idx = Math.trunc(idx);
    const a = m[2 * idx];
    const b = m[2 * idx + 1];
    return a === undefined || b === undefined || a < 0 ? '' : s.slice(a, b);
  };
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template.charAt(i) === '$') {
      out += '$';
      i++;
      continue;
    }
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(template.slice(i));
    const bare = /^[A-Za-z0-9_]+/.exec(template.slice(i));
    if (braced !== null) {
      out += group(braced[1] ?? '');
      i += braced[0].length;
      continue;
    }
    if (bare !== null) {
      out += group(bare[0]);
      i += bare[0].length;
      continue;
    }
    out += '$';
  }
  return out;
}

/** Go's ReplaceAllString. */
export function replaceAll(re: RE2JS, s: string, template: string): string {
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    const m = execAt(re, s, searchPos);
    if (m === undefined) break;
    const start = m[0] ?? 0;
    const end = m[1] ?? 0;
    out += s.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += expand(re, template, s, m);
    lastEnd = end;
    const width = searchPos < s.length ? runeWidth(s, searchPos) : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + s.slice(lastEnd);
}

/** Go's Regexp.Split(s, -1). */
export function splitAll(re: RE2JS, s: string): string[] {
  if (s === '' && re.pattern() !== '') return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of allMatches(re, s, -1)) {
    end = m[0] ?? 0;
    if ((m[1] ?? 0) !== 0) out.push(s.slice(beg, end));
    beg = m[1] ?? 0;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}
