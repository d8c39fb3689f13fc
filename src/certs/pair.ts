import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ImagegateError, errorMessage } from '../errors/index.js';

/** A PEM certificate (chain) and the PEM private key of its first certificate. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

export interface CertificatePairPaths {
  readonly certPath: string;
  readonly keyPath: string;
}

function unreadable(message: string, cause: unknown): ImagegateError {
  return new ImagegateError('IMAGEGATE_CERTS_UNREADABLE', message, { cause });
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw unreadable(`cannot read ${what} ${path}: ${errorMessage(err)}; check the path and its permissions`, err);
  }
}

function parseCertificate(pem: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw unreadable(`${path} is not a PEM X.509 certificate (${errorMessage(err)}); point it at the tls.crt file`, err);
  }
}

/** The message never includes key material: the cause's text comes from OpenSSL, not the file. */
function parsePrivateKey(pem: string, path: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw unreadable(`${path} is not an unencrypted PEM private key (${errorMessage(err)}); point it at the tls.key file`, err);
  }
}

/** A key of another algorithm than the certificate's may make OpenSSL throw: that is a mismatch too. */
function keyMatches(x509: X509Certificate, key: KeyObject): boolean {
  try {
    return x509.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/**
 * Reads and checks a certificate/key pair. Throws IMAGEGATE_CERTS_UNREADABLE when a file is
 * missing or does not parse, IMAGEGATE_CERTS_MISMATCH when the key is not the certificate's key
 * (serving it would fail every handshake).
 */
export function loadCertificatePair(paths: CertificatePairPaths): CertificatePair {
  const cert = readText(paths.certPath, 'certificate');
  const key = readText(paths.keyPath, 'private key');
  const x509 = parseCertificate(cert, paths.certPath);
  if (!keyMatches(x509, parsePrivateKey(key, paths.keyPath))) {
    throw new ImagegateError(
      'IMAGEGATE_CERTS_MISMATCH',
      `private key ${paths.keyPath} does not belong to certificate ${paths.certPath} (serial ${x509.serialNumber}); ` +
        'install the key that was generated with this certificate',
    );
  }
  return { cert, key };
}
