import {
  X509Certificate,
  createHmac,
  createPublicKey,
  timingSafeEqual,
  verify,
  constants,
  type KeyObject,
} from 'node:crypto';
import type { HostFn } from './types.js';
import { isArray, isObject, isString } from './values.js';

/**
 * io.jwt.decode and the io.jwt.verify_* family, as OPA (topdown/tokens.go): deterministic,
 * no clock. A malformed token or key is a built-in error, i.e. undefined in the wasm target;
 * a well-formed token whose signature does not verify is `false`. As in OPA, verify_<alg>
 * checks the signature with <alg> whatever the token's header says.
 */

interface Token {
  readonly header: string;
  readonly payload: string;
  readonly signature: string;
}

/** Depth limit for tokens nested with `cty: JWT` (a hostile token could nest without end). */
const MAX_NESTING = 8;

function splitToken(jwt: unknown): Token | undefined {
  if (!isString(jwt)) return undefined;
  const parts = jwt.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header === undefined || payload === undefined || signature === undefined) return undefined;
  return { header, payload, signature };
}

/** base64url with optional padding (RFC 7515), strictly: other characters or a length of 1 mod 4 are errors. */
function base64url(s: string): Buffer | undefined {
  const t = s.replace(/=+$/, '');
  if (t.length % 4 === 1 || !/^[A-Za-z0-9_-]*$/.test(t) || (s.length !== t.length && s.length % 4 !== 0))
    return undefined;
  return Buffer.from(t, 'base64url');
}

function jsonObject(bytes: Buffer | undefined): Record<string, unknown> | undefined {
  if (bytes === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return isObject(v) ? v : undefined;
  } catch (err: unknown) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** The decoded header; JWE tokens (an `enc` header) are not supported, as in OPA. */
function header(token: Token): Record<string, unknown> | undefined {
  const h = jsonObject(base64url(token.header));
  return h === undefined || 'enc' in h ? undefined : h;
}

/** io.jwt.decode: [header, payload, signature as hex]; a `cty: JWT` payload is itself decoded. */
function decode(jwt: unknown, depth = 0): unknown {
  const token = splitToken(jwt);
  const h = token === undefined ? undefined : header(token);
  if (token === undefined || h === undefined || depth > MAX_NESTING) return undefined;
  const payload = base64url(token.payload);
  if (payload === undefined) return undefined;
  if (h.cty === 'JWT') return decode(payload.toString('utf8').replace(/^["']+|["']+$/g, ''), depth + 1);
  const claims = jsonObject(payload);
  const signature = base64url(token.signature);
  return claims === undefined || signature === undefined ? undefined : [h, claims, signature.toString('hex')];
}

interface VerificationKey {
  readonly kid: string | undefined;
  readonly key: KeyObject;
}

/**
 * The keys of a verify_* argument, as OPA reads it: one PEM certificate or PEM public key
 * (nothing after it), else a JWK or a JWK set.
 */
function keysOf(text: string): VerificationKey[] | undefined {
  try {
    const pem = /^\s*-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----\s*$/.exec(text);
    if (pem !== null) {
      if (text.split('-----BEGIN ').length !== 2) return undefined;
      if (pem[1] === 'CERTIFICATE') return [{ kid: undefined, key: new X509Certificate(text).publicKey }];
      if (pem[1] === 'PUBLIC KEY') return [{ kid: undefined, key: createPublicKey(text) }];
      return undefined;
    }
    const doc: unknown = JSON.parse(text);
    const jwks = isObject(doc) && isArray(doc.keys) ? doc.keys : [doc];
    return jwks.map((jwk) => {
      if (!isObject(jwk)) throw new SyntaxError('JWK is not an object');
      const kid = jwk.kid;
      return { kid: isString(kid) ? kid : undefined, key: createPublicKey({ key: jwk, format: 'jwk' }) };
    });
  } catch {
    // Unreadable key material is a built-in error (undefined), as in OPA.
    return undefined;
  }
}

type Verifier = (key: KeyObject, data: Buffer, signature: Buffer) => boolean;

/**
 * Only keys of the algorithm's type verify (OPA: "incorrect public key type"): node would
 * otherwise check an RSA signature with an RSA key under verify_es256, letting a token signed
 * for one algorithm pass a policy that demands another.
 */
function ofType(types: readonly string[], check: Verifier): Verifier {
  return (key, data, sig) => types.includes(key.asymmetricKeyType ?? '') && check(key, data, sig);
}

function safeVerify(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    // A key of the wrong type for the algorithm, or a malformed signature, does not verify.
    return false;
  }
}

const rsa = (hash: string): Verifier =>
  ofType(['rsa'], (key, data, sig) =>
    safeVerify(() => verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, sig)),
  );
const pss = (hash: string): Verifier =>
  ofType(['rsa', 'rsa-pss'], (key, data, sig) =>
    safeVerify(() =>
      verify(
        hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
        sig,
      ),
    ),
  );
/** JWS ECDSA signatures are r||s of fixed size (IEEE P1363), not DER. */
const ecdsa = (hash: string): Verifier =>
  ofType(['ec'], (key, data, sig) => safeVerify(() => verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig)));
const eddsa: Verifier = ofType(['ed25519'], (key, data, sig) => safeVerify(() => verify(null, data, key, sig)));

/**
 * verify_<alg> with a public key: when the header's `kid` names one of the keys, only that
 * key is tried; otherwise any key that verifies makes it true.
 */
function verifyWithKey(check: Verifier): HostFn {
  return (jwt, keyText) => {
    const token = splitToken(jwt);
    if (token === undefined || !isString(keyText)) return undefined;
    const keys = keysOf(keyText);
    const signature = base64url(token.signature);
    const h = header(token);
    if (keys === undefined || signature === undefined || h === undefined) return undefined;
    const data = Buffer.from(`${token.header}.${token.payload}`, 'utf8');
    const kid = h.kid;
    const named = isString(kid) ? keys.find((k) => k.kid === kid) : undefined;
    if (named !== undefined) return check(named.key, data, signature);
    return keys.some((k) => check(k.key, data, signature));
  };
}

/** verify_hs<n>: HMAC with the secret's UTF-8 bytes, compared in constant time. */
function verifyHmac(hash: string): HostFn {
  return (jwt, secret) => {
    const token = splitToken(jwt);
    if (token === undefined || !isString(secret)) return undefined;
    const signature = base64url(token.signature);
    if (signature === undefined) return undefined;
    const mac = createHmac(hash, Buffer.from(secret, 'utf8'))
      .update(`${token.header}.${token.payload}`, 'utf8')
      .digest();
    return mac.length === signature.length && timingSafeEqual(mac, signature);
  };
}

export const jwtBuiltins: Readonly<Record<string, HostFn>> = {
  'io.jwt.decode': (jwt) => decode(jwt),
  'io.jwt.verify_hs256': verifyHmac('sha256'),
  'io.jwt.verify_hs384': verifyHmac('sha384'),
  'io.jwt.verify_hs512': verifyHmac('sha512'),
  'io.jwt.verify_rs256': verifyWithKey(rsa('sha256')),
  'io.jwt.verify_rs384': verifyWithKey(rsa('sha384')),
  'io.jwt.verify_rs512': verifyWithKey(rsa('sha512')),
  'io.jwt.verify_ps256': verifyWithKey(pss('sha256')),
  'io.jwt.verify_ps384': verifyWithKey(pss('sha384')),
  'io.jwt.verify_ps512': verifyWithKey(pss('sha512')),
  'io.jwt.verify_es256': verifyWithKey(ecdsa('sha256')),
  'io.jwt.verify_es384': verifyWithKey(ecdsa('sha384')),
  'io.jwt.verify_es512': verifyWithKey(ecdsa('sha512')),
  'io.jwt.verify_eddsa': verifyWithKey(eddsa),
};
