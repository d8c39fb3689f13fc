import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HostFn } from './types.js';
import { isString } from './values.js';

/** Hex digests of the UTF-8 bytes of a string (OPA hashes the string's bytes). */
function digest(alg: string): HostFn {
  return (s) => (isString(s) ? createHash(alg).update(s, 'utf8').digest('hex') : undefined);
}

function hmac(alg: string): HostFn {
  return (s, key) => (isString(s) && isString(key) ? createHmac(alg, key).update(s, 'utf8').digest('hex') : undefined);
}

/** crypto.hmac.equal: constant-time comparison (blocks timing attacks on MAC checks). */
function hmacEqual(a: unknown, b: unknown): boolean | undefined {
  if (!isString(a) || !isString(b)) return undefined;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const cryptoBuiltins: Readonly<Record<string, HostFn>> = {
  'crypto.md5': digest('md5'),
  'crypto.sha1': digest('sha1'),
  'crypto.sha256': digest('sha256'),
  'crypto.hmac.md5': hmac('md5'),
  'crypto.hmac.sha1': hmac('sha1'),
  'crypto.hmac.sha256': hmac('sha256'),
  'crypto.hmac.sha512': hmac('sha512'),
  'crypto.hmac.equal': hmacEqual,
};
