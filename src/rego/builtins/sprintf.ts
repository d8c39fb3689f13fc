import { formatValue, goQuote } from './format.js';
import { formatE, formatF, formatG } from './gofloat.js';
import { NumberText } from './number-text.js';
import { parseRegoText } from './rego-text.js';
import { isArray, isRegoSet, isString, RegoSet } from './values.js';

/**
 * OPA's sprintf: Go's fmt.Sprintf over the array's elements converted the way OPA converts
 * them — integers become Go `int` (or `*big.Int` beyond int64), other numbers `float64`
 * (or their text when out of range), strings stay strings, and every other value (booleans,
 * null, collections) becomes its Rego text, a Go string. So `%d` of a boolean prints
 * `%!d(string=true)` exactly as OPA does.
 */
type Arg =
  | { readonly kind: 'int'; readonly v: bigint }
  | { readonly kind: 'float'; readonly v: number }
  | { readonly kind: 'string'; readonly v: string };

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function fromNumber(n: number): Arg {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return { kind: 'int', v: BigInt(n) };
  return { kind: 'float', v: n };
}

function fromNumberText(t: string): Arg {
  if (/^-?\d+$/.test(t)) return { kind: 'int', v: BigInt(t) };
  const f = Number(t);
  return Number.isFinite(f) ? { kind: 'float', v: f } : { kind: 'string', v: t };
}

function toArg(v: unknown): Arg {
  if (v instanceof NumberText) return fromNumberText(v.text);
  if (typeof v === 'number') return fromNumber(v);
  if (typeof v === 'bigint') return { kind: 'int', v };
  if (typeof v === 'string') return { kind: 'string', v };
  return { kind: 'string', v: formatValue(losslessToPlain(v)) };
}

function losslessToPlain(v: unknown): unknown {
  if (v instanceof NumberText) return /^-?\d+$/.test(v.text) ? BigInt(v.text) : Number(v.text);
  if (Array.isArray(v)) return v.map(losslessToPlain);
  if (isRegoSet(v)) return new RegoSet(v.elems.map(losslessToPlain));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, losslessToPlain(x)]));
  }
  return v;
}

function typeName(a: Arg): string {
  switch (a.kind) {
    case 'int':
      return a.v > INT64_MAX || a.v < INT64_MIN ? '*big.Int' : 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    default: {
      const never: never = a;
      return never;
    }
  }
}

function plainV(a: Arg): string {
  switch (a.kind) {
    case 'int':
      return a.v.toString();
    case 'float':
      return formatG(a.v, undefined);
    case 'string':
      return a.v;
    default: {
      const never: never = a;
      return never;
    }
  }
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function pad(body: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  const len = Array.from(body).length;
  if (len >= w) return body;
  if (spec.minus) return body + ' '.repeat(w - len);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(body) ? body.charAt(0) : '';
    const rest = body.slice(sign.length);
    const prefix = /^0[xXbBoO]/.test(rest) ? rest.slice(0, 2) : '';
    return sign + prefix + '0'.repeat(w - len) + rest.slice(prefix.length);
  }
  return ' '.repeat(w - len) + body;
}

function signOf(neg: boolean, spec: Spec): string {
  if (neg) return '-';
  if (spec.plus) return '+';
  return spec.space ? ' ' : '';
}

function formatInt(v: bigint, verb: string, spec: Spec): string | undefined {
  if (verb === 's' && v <= INT64_MAX && v >= INT64_MIN) return undefined;
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'd':
    case 'v':
    case 's':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (spec.sharp) prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(runeOf(v), spec, false);
    case 'q':
      return pad(`'${runeOf(v)}'`, spec, false);
    case 'U':
      return pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
    default:
      return undefined;
  }
  if (spec.prec !== undefined) {
    digits = spec.prec === 0 && abs === 0n ? '' : digits.padStart(spec.prec, '0');
  }
  const zeroOk = spec.prec === undefined && !spec.minus;
  return pad(signOf(neg, spec) + prefix + digits, { ...spec, zero: spec.zero && zeroOk }, true);
}

function runeOf(v: bigint): string {
  return v >= 0n && v <= 0x10ffffn && !(v >= 0xd800n && v <= 0xdfffn) ? String.fromCodePoint(Number(v)) : '\ufffd';
}

function formatFloat(x: number, verb: string, spec: Spec): string | undefined {
  let body: string;
  switch (verb) {
    case 'v':
    case 'g':
      body = formatG(x, spec.prec);
      break;
    case 'G':
      body = formatG(x, spec.prec, true);
      break;
    case 'e':
      body = formatE(x, spec.prec ?? 6);
      break;
    case 'E':
      body = formatE(x, spec.prec ?? 6, true);
      break;
    case 'f':
    case 'F':
      body = formatF(x, spec.prec ?? 6);
      break;
    default:
      return undefined;
  }
  const neg = x < 0 || Object.is(x, -0);
  return pad(signOf(neg, spec) + body, { ...spec, zero: spec.zero && !spec.minus }, true);
}

function formatString(s: string, verb: string, spec: Spec): string | undefined {
  const cut = spec.prec === undefined ? s : Array.from(s).slice(0, spec.prec).join('');
  switch (verb) {
    case 'v':
      return pad(spec.sharp ? goQuote(cut) : cut, spec, false);
    case 's':
      return pad(cut, spec, false);
    case 'q':
      return pad(spec.sharp && canBackquote(cut) ? `\`${cut}\`` : quoteMaybeAscii(cut, spec.plus), spec, false);
    case 'x':
    case 'X':
      return pad(hexBytes(cut, verb === 'X', spec), spec, false);
    default:
      return undefined;
  }
}

function quoteMaybeAscii(s: string, ascii: boolean): string {
  const q = goQuote(s);
  if (!ascii) return q;
  return Array.from(q)
    .map((ch) => {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp < 0x80) return ch;
      return cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
    })
    .join('');
}

function hexBytes(s: string, upper: boolean, spec: Spec): string {
  const bytes = Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, '0'));
  const prefix = spec.sharp ? '0x' : '';
  const out = spec.space ? bytes.map((b) => prefix + b).join(' ') : prefix + bytes.join('');
  return upper ? out.toUpperCase() : out;
}

function formatArg(a: Arg, verb: string, spec: Spec): string {
  let out: string | undefined;
  switch (a.kind) {
    case 'int':
      out = formatInt(a.v, verb, spec);
      break;
    case 'float':
      out = formatFloat(a.v, verb, spec);
      break;
    case 'string':
      out = formatString(a.v, verb, spec);
      break;
    default: {
      const never: never = a;
      return never;
    }
  }
  if (out !== undefined) return out;
  const big = typeName(a) === '*big.Int';
  return `%!${verb}(${big ? 'big.Int' : typeName(a)}=${plainV(a)})`;
}

/** Go's strconv.CanBackquote on valid text: no backquote, and no control character but tab. */
function canBackquote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x60 || c === 0x7f || (c < 0x20 && c !== 0x09)) return false;
  }
  return true;
}

/** Go's fmt.Sprintf over already converted arguments. */
function goSprintf(format: string, args: readonly Arg[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = {
      minus: false,
      plus: false,
      sharp: false,
      space: false,
      zero: false,
      width: undefined,
      prec: undefined,
    };
    for (; i < n; i++) {
      const c = format.charAt(i);
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = true;
      else break;
    }
    /** Reads an explicit argument index `[n]`; true when there was one. */
    const idx = (): boolean => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (m === null) return false;
      argNum = Number(m[1]) - 1;
      i += m[0].length;
      return true;
    };
    if (idx()) reordered = true;
    if (format.charAt(i) === '*') {
      i++;
      const a = args[argNum++];
      if (a?.kind === 'int') {
        spec.width = Math.abs(Number(a.v));
        if (a.v < 0n) spec.minus = true;
      } else out += '%!(BADWIDTH)';
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m !== null) {
        spec.width = Math.min(Number(m[0]), 1_000_000);
        i += m[0].length;
      }
    }
    if (format.charAt(i) === '.') {
      i++;
      if (idx()) reordered = true;
      if (format.charAt(i) === '*') {
        i++;
        const a = args[argNum++];
        if (a?.kind === 'int' && a.v >= 0n) spec.prec = Number(a.v);
        else out += '%!(BADPREC)';
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m === null ? 0 : Math.min(Number(m[0]), 1_000_000);
        if (m !== null) i += m[0].length;
      }
    }
    if (idx()) reordered = true;
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const a = args[argNum];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    argNum++;
    out += formatArg(a, verb, spec);
  }
  if (!reordered && argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((a) => `${typeName(a) === '*big.Int' ? '*big.Int' : typeName(a)}=${plainV(a)}`)
      .join(', ')})`;
  }
  return out;
}

/** `sprintf(format, values)`; undefined unless format is a string and values an array. */
export function sprintf(format: unknown, values: unknown): string | undefined {
  if (!isString(format) || !isArray(values)) return undefined;
  return goSprintf(format, values.map(toArg));
}

/**
 * `imagegate.sprintf(format, values)`: the alias the emitter routes `sprintf` to. `values`
 * may be the array itself or its Rego value text (JSON is a subset), which is how the module
 * passes it: integers beyond 2^53 stay exact and sets print as sets.
 */
export function sprintfAlias(format: unknown, values: unknown): string | undefined {
  return sprintf(format, isString(values) ? parseRegoText(values) : values);
}
