import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
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

/**
 * Whether `signature` over `data` verifies with `key` as cosign signs: ECDSA (DER signature,
 * SHA-256 on P-256, SHA-384 on P-384), RSA PKCS#1 v1.5 or PSS with SHA-256, Ed25519 (pure).
 */
export function verifiesWith(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ec': {
        const hash = EC_CURVES.get(key.asymmetricKeyDetails?.namedCurve ?? '') ?? 'sha256';
        return verify(hash, data, { key, dsaEncoding: 'der' }, signature);
      }
      case 'rsa':
        return (
          verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature) ||
          verify(
            'sha256',
            data,
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
            signature,
          )
        );
      case 'ed25519':
        return verify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    // A malformed signature (bad DER, wrong length) is simply not a valid one.
    return false;
  }
}

/** Strict base64 (standard alphabet, padded): anything else is not a signature cosign wrote. */
export function decodeBase64(text: string): Buffer | undefined {
  const t = text.trim();
  if (t === '' || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}
