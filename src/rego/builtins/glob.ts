import { compileRe2 } from './re2.js';
import type { HostFn } from './types.js';
import { isString, stringList } from './values.js';

/**
 * glob.match(pattern, delimiters, match) with the gobwas/glob syntax OPA uses: `*` (any run
 * without delimiters), `**` (any run), `?` (one non-delimiter character), `[abc]`, `[a-z]`,
 * `[!...]`, `{alt1,alt2}`, `\` escapes. delimiters `[]` means the default `["."]`; `null`
 * means no delimiters. The glob is translated to RE2, so matching stays linear time.
 */

function reEscape(cp: string): string {
  return /[\\.+*?()|[\]{}^$-]/.test(cp) ? `\\${cp}` : cp;
}

class GlobParser {
  i = 0;
  constructor(
    readonly cps: readonly string[],
    readonly notSep: string,
    readonly anyRun: string,
  ) {}

  /** Parses until end, or until `,`/`}` when inside braces. */
  seq(inBraces: boolean): string | undefined {
    let out = '';
    while (this.i < this.cps.length) {
      const c = this.cps[this.i] ?? '';
      if (inBraces && (c === ',' || c === '}')) return out;
      this.i++;
      switch (c) {
        case '*':
          if (this.cps[this.i] === '*') {
            this.i++;
            out += '.*';
          } else out += this.anyRun;
          break;
        case '?':
          out += this.notSep;
          break;
        case '\\': {
          const n = this.cps[this.i];
          if (n === undefined) return undefined;
          this.i++;
          out += reEscape(n);
          break;
        }
        case '[': {
          const cls = this.cls();
          if (cls === undefined) return undefined;
          out += cls;
          break;
        }
        case '{': {
          const alt = this.alts();
          if (alt === undefined) return undefined;
          out += alt;
          break;
        }
        default:
          out += reEscape(c);
      }
    }
    return inBraces ? undefined : out;
  }

  alts(): string | undefined {
    const parts: string[] = [];
    for (;;) {
      const p = this.seq(true);
      if (p === undefined) return undefined;
      parts.push(p);
      const c = this.cps[this.i];
      this.i++;
      if (c === '}') return `(?:${parts.join('|')})`;
      if (c !== ',') return undefined;
    }
  }

  cls(): string | undefined {
    let out = '[';
    if (this.cps[this.i] === '!') {
      out += '^';
      this.i++;
    }
    let any = false;
    while (this.i < this.cps.length) {
      const c = this.cps[this.i] ?? '';
      this.i++;
      if (c === ']') return any ? `${out}]` : undefined;
      let lo = c;
      if (c === '\\') {
        lo = this.cps[this.i] ?? '';
        this.i++;
        if (lo === '') return undefined;
      }
      any = true;
      if (this.cps[this.i] === '-' && this.cps[this.i + 1] !== undefined && this.cps[this.i + 1] !== ']') {
        const hi = this.cps[this.i + 1] ?? '';
        this.i += 2;
        if ((hi.codePointAt(0) ?? 0) < (lo.codePointAt(0) ?? 0)) return undefined;
        out += `${reEscape(lo)}-${reEscape(hi)}`;
      } else out += reEscape(lo);
    }
    return undefined;
  }
}

export function globToRe2(pattern: string, delimiters: readonly string[]): string | undefined {
  const seps = delimiters.map((d) => Array.from(d)[0] ?? '').filter((d) => d !== '');
  const notSep = seps.length === 0 ? '.' : `[^${seps.map(reEscape).join('')}]`;
  const body = new GlobParser(Array.from(pattern), notSep, `${notSep}*`).seq(false);
  return body === undefined ? undefined : `(?s)^${body}$`;
}

function globMatch(pattern: unknown, delimiters: unknown, value: unknown): boolean | undefined {
  if (!isString(pattern) || !isString(value)) return undefined;
  let delims: readonly string[] | undefined;
  if (delimiters === null) delims = [];
  else {
    delims = stringList(delimiters);
    if (delims === undefined) return undefined;
    if (delims.length === 0) delims = ['.'];
  }
  const re = globToRe2(pattern, delims);
  const compiled = re === undefined ? undefined : compileRe2(re);
  return compiled === undefined ? undefined : compiled.matcher(value).find(0);
}

/** gobwas QuoteMeta: escapes `* ? \ [ ] { }`. */
function quoteMeta(s: unknown): string | undefined {
  return isString(s) ? s.replace(/[*?\\[\]{}]/g, '\\$&') : undefined;
}

export const globBuiltins: Readonly<Record<string, HostFn>> = {
  'glob.match': globMatch,
  'glob.quote_meta': quoteMeta,
};
