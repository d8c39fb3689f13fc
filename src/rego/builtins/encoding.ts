import type { HostFn } from './types.js';
import { isArray, isObject, isString, sortedKeys } from './values.js';

/**
 * Encoding built-ins. Decoded bytes become a string via UTF-8 with invalid sequences replaced
 * by U+FFFD (OPA keeps raw bytes, which JSON cannot carry). Malformed input is undefined.
 */

const utf8 = new TextEncoder();
const lossy = new TextDecoder('utf-8');

const STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

/** Go's StdEncoding is strict about the unused trailing bits too. */
function canonicalTail(s: string): boolean {
  const body = s.replace(/=+$/, '');
  const rem = body.length % 4;
  if (rem === 0) return true;
  const last = body.charAt(body.length - 1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const v = alphabet.indexOf(last === '-' ? '+' : last === '_' ? '/' : last);
  return rem === 2 ? (v & 0x0f) === 0 : (v & 0x03) === 0;
}

function decodeStd(s: string): string | undefined {
  if (!STD.test(s) || !canonicalTail(s)) return undefined;
  return lossy.decode(Buffer.from(s, 'base64'));
}

/** base64url.decode: padding optional (RFC 7515), but a length of 1 mod 4 is invalid. */
function decodeUrl(s: string): string | undefined {
  let t = s;
  if (!t.endsWith('=')) {
    if (t.length % 4 === 1) return undefined;
    t += '='.repeat((4 - (t.length % 4)) % 4);
  }
  if (!URL.test(t) || !canonicalTail(t)) return undefined;
  return lossy.decode(Buffer.from(t, 'base64url'));
}

function str(f: (s: string) => unknown): HostFn {
  return (s) => (isString(s) ? f(s) : undefined);
}

/** Go's url.QueryEscape: space → "+", unreserved A-Z a-z 0-9 - _ . ~ kept, the rest %XX (upper hex). */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's url.QueryUnescape; a malformed escape is an error. */
export function queryUnescape(s: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else bytes.push(...utf8.encode(c));
  }
  return lossy.decode(new Uint8Array(bytes));
}

function encodeObject(o: unknown): string | undefined {
  if (!isObject(o)) return undefined;
  const parts: string[] = [];
  for (const k of sortedKeys(o)) {
    const v = o[k];
    const vals = isString(v) ? [v] : isArray(v) ? v : undefined;
    if (!vals?.every(isString)) return undefined;
    for (const x of vals) parts.push(`${queryEscape(k)}=${queryEscape(x)}`);
  }
  return parts.join('&');
}

/** Go's url.ParseQuery: `&`-separated; a `;` or a bad escape is an error. */
function decodeObject(s: string): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const part of s.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) return undefined;
    const eq = part.indexOf('=');
    const k = queryUnescape(eq < 0 ? part : part.slice(0, eq));
    const v = queryUnescape(eq < 0 ? '' : part.slice(eq + 1));
    if (k === undefined || v === undefined) return undefined;
    const list = Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined;
    if (list !== undefined) list.push(v);
    else Object.defineProperty(out, k, { value: [v], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export const encodingBuiltins: Readonly<Record<string, HostFn>> = {
  'base64.encode': str((s) => Buffer.from(s, 'utf8').toString('base64')),
  'base64.decode': str(decodeStd),
  'base64.is_valid': (s) => isString(s) && decodeStd(s) !== undefined,
  'base64url.encode': str((s) =>
    Buffer.from(s, 'utf8')
      .toString('base64url')
      .padEnd(Math.ceil(utf8.encode(s).length / 3) * 4, '='),
  ),
  'base64url.encode_no_pad': str((s) => Buffer.from(s, 'utf8').toString('base64url')),
  'base64url.decode': str(decodeUrl),
  'hex.encode': str((s) => Buffer.from(s, 'utf8').toString('hex')),
  'hex.decode': str((s) => (/^(?:[0-9a-fA-F]{2})*$/.test(s) ? lossy.decode(Buffer.from(s, 'hex')) : undefined)),
  'urlquery.encode': str(queryEscape),
  'urlquery.decode': str(queryUnescape),
  'urlquery.encode_object': encodeObject,
  'urlquery.decode_object': str(decodeObject),
};
