import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { errorMessage } from '../errors/index.js';
import { signatureError } from './errors.js';

/** A configured public key: its authority, the key and `sha256:<hex of DER SPKI>`. */
export interface TrustedKey {
  readonly authority: string;
  readonly key: KeyObject;
  readonly fingerprint: string;
}

/** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo: stable whatever PEM wrapping it came in. */
export function fingerprintOf(key: KeyObject): string {
  return `sha256:${createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

/** Curves and key types cosign signs with; anything else is refused at start-up. */
const EC_CURVES: ReadonlyMap<string, string> = new Map([
  ['prime256v1', 'sha256'],
  ['secp384r1', 'sha384'],
]);

/**
 * Reads a PEM public key (PKIX `-----BEGIN PUBLIC KEY-----` as `cosign.pub` holds it, or an RSA
 * `BEGIN RSA PUBLIC KEY`): ECDSA P-256/P-384, RSA of 2048 bits or more, or Ed25519.
 * @throws ImagegateError IMAGEGATE_SIGNATURES_CONFIG_INVALID naming the authority
 */
export function loadPublicKey(opts: { readonly authority: string; readonly pem: string }): TrustedKey {
  let key: KeyObject;
  try {
    key = createPublicKey(opts.pem);
  } catch (err) {
    throw signatureError(
      'config',
      `signature authority ${opts.authority}: the key is not a PEM public key (${errorMessage(err)}); give the public key cosign wrote (cosign.pub), not the private one`,
    );
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  const ok =
    (type === 'ec' && EC_CURVES.has(details?.namedCurve ?? '')) ||
    (type === 'rsa' && (details?.modulusLength ?? 0) >= 2048) ||
    type === 'ed25519';
  if (!ok)
    throw signatureError(
      'config',
      `signature authority ${opts.authority}: a ${type ?? 'unknown'} key${details?.namedCurve === undefined ? '' : ` on ${details.namedCurve}`} is not supported; use ECDSA P-256/P-384, RSA ≥ 2048 bits or Ed25519`,
    );
  return { authority: opts.authority, key, fingerprint: fingerprintOf(key) };
}

/** Strict base64 (standard alphabet, padded): anything else is not a signature cosign wrote. */
export function decodeBase64(text: string): Buffer | undefined {
  const t = text.trim();
  if (t === '' || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}
