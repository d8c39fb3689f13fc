import { NumberText } from './number-text.js';
import { isArray, isObject, isRegoSet, sortedKeys } from './values.js';

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(ch: string, quote: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  switch (ch) {
    case '\\':
      return '\\\\';
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
    default:
      break;
  }
  if (ch === quote) return `\\${ch}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd';
  if (PRINTABLE.test(ch)) return ch;
  if (cp < 0x80) return `\\x${hex(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** Go's strconv.Quote: double-quoted, Go escapes, printable Unicode kept as is. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"');
  return `${out}"`;
}

/** Number text as OPA prints a JSON number (integers in plain digits). */
export function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}

/**
 * A value in Rego syntax, as OPA's Term.String() prints it (sprintf %v of collections,
 * template strings): strings quoted, object keys sorted. A RegoSet prints as OPA prints a set
 * (`{1, 2}`, `set()`); sets that arrived as plain JSON arrays print as arrays.
 */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
    case 'string':
      return goQuote(v);
    default:
      break;
  }
  if (isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (isRegoSet(v)) return v.elems.length === 0 ? 'set()' : `{${v.elems.map(formatValue).join(', ')}}`;
  if (v instanceof NumberText) return v.text;
  if (isObject(v))
    return `{${sortedKeys(v)
      .map((k) => `${goQuote(k)}: ${formatValue(v[k])}`)
      .join(', ')}}`;
  // Not a Rego value (a symbol, function or host object): its kind, never `[object Object]`.
  return `<${typeof v}>`;
}

/** Strings as is, everything else in Rego syntax (template strings, print). */
export function formatRaw(v: unknown): string {
  return typeof v === 'string' ? v : formatValue(v);
}
