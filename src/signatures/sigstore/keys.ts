import { constants, verify, type KeyObject } from 'node:crypto';

/**
 * Whether `signature` over `data` verifies with `key`, hashing as the signer's tooling does for
 * that key type (cosign and sigstore-go): ECDSA with the curve's hash (P-256 SHA-256, P-384
 * SHA-384, P-521 SHA-512), RSA with SHA-256 in PKCS#1 v1.5 or PSS, Ed25519 over the data itself.
 * @sigstore/verify alone would hash every ECDSA signature with SHA-256 and refuse P-384 keys.
 * Never throws: a key of another type simply does not verify.
 */
export function verifiesWith(data: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ec':
        return verify(ecHash(key), data, key, signature);
      case 'rsa':
        return (
          verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature) ||
          verify('sha256', data, pss(key), signature)
        );
      case 'rsa-pss':
        return verify('sha256', data, pss(key), signature);
      case 'ed25519':
        return verify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function ecHash(key: KeyObject): string {
  switch (key.asymmetricKeyDetails?.namedCurve) {
    case 'secp384r1':
      return 'sha384';
    case 'secp521r1':
      return 'sha512';
    default:
      return 'sha256';
  }
}

function pss(key: KeyObject): { key: KeyObject; padding: number; saltLength: number } {
  return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO };
}
