import { globsIntersect } from './globs-intersect.js';
import { allMatches, compileRe2, replaceAll, splitAll } from './re2.js';
import type { HostFn } from './types.js';
import { isInteger, isString } from './values.js';

/**
 * Regex built-ins with RE2 (Go regexp) semantics via re2js. An invalid pattern or a
 * non-string operand makes the call undefined (OPA: builtin error), except regex.is_valid.
 */

function withRe<T>(pattern: unknown, f: (re: NonNullable<ReturnType<typeof compileRe2>>) => T): T | undefined {
  if (!isString(pattern)) return undefined;
  const re = compileRe2(pattern);
  return re === undefined ? undefined : f(re);
}

function match(pattern: unknown, value: unknown): boolean | undefined {
  if (!isString(value)) return undefined;
  return withRe(pattern, (re) => re.matcher(value).find(0));
}

function findN(pattern: unknown, value: unknown, n: unknown): string[] | undefined {
  if (!isString(value) || !isInteger(n)) return undefined;
  return withRe(pattern, (re) => allMatches(re, value, n).map((m) => value.slice(m[0] ?? 0, m[1] ?? 0)));
}

function findAllSubmatchN(pattern: unknown, value: unknown, n: unknown): string[][] | undefined {
  if (!isString(value) || !isInteger(n)) return undefined;
  return withRe(pattern, (re) =>
    allMatches(re, value, n).map((m) => {
      const groups: string[] = [];
      for (let g = 0; 2 * g < m.length; g++) {
        const a = m[2 * g] ?? -1;
        groups.push(a < 0 ? '' : value.slice(a, m[2 * g + 1] ?? a));
      }
      return groups;
    }),
  );
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * regex.template_match(template, value, start, end): `start`/`end` (first code point of each)
 * delimit regex parts; the rest of the template matches literally; the whole value must match.
 */
function templateMatch(template: unknown, value: unknown, ds: unknown, de: unknown): boolean | undefined {
  if (!isString(template) || !isString(value) || !isString(ds) || !isString(de)) return undefined;
  const open = Array.from(ds)[0];
  const close = Array.from(de)[0];
  if (open === undefined || close === undefined) return undefined;
  let pattern = '^';
  let depth = 0;
  let literal = '';
  let inner = '';
  for (const ch of template) {
    if (ch === open && (open !== close || depth === 0)) {
      if (depth === 0) {
        pattern += quoteMeta(literal);
        literal = '';
      } else inner += ch;
      depth++;
    } else if (ch === close && depth > 0) {
      depth--;
      if (depth === 0) {
        pattern += `(${inner})`;
        inner = '';
      } else inner += ch;
    } else if (depth > 0) inner += ch;
    else literal += ch;
  }
  if (depth !== 0) return undefined;
  pattern += `${quoteMeta(literal)}$`;
  return withRe(pattern, (re) => re.matcher(value).find(0));
}

export const regexBuiltins: Readonly<Record<string, HostFn>> = {
  'regex.match': match,
  re_match: match,
  'regex.is_valid': (p) => isString(p) && compileRe2(p) !== undefined,
  'regex.find_n': findN,
  'regex.find_all_string_submatch_n': findAllSubmatchN,
  'regex.replace': (s, p, v) => (isString(s) && isString(v) ? withRe(p, (re) => replaceAll(re, s, v)) : undefined),
  'regex.split': (p, s) => (isString(s) ? withRe(p, (re) => splitAll(re, s)) : undefined),
  'regex.template_match': templateMatch,
  'regex.globs_match': (a, b) => (isString(a) && isString(b) ? globsIntersect(a, b) : undefined),
};
