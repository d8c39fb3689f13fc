import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { randomSerialHex, ipToBytes } from './encoding.js';
import { parseCertificateSpec, type CertificateSpec, type GenerateCertificatesOptions } from './options.js';

/** PEM material of one CA and one serving certificate it signed. Keys are unencrypted PKCS#8. */
export interface CertificateMaterial {
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

interface KeyPair {
  readonly privatePem: string;
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly privateKey: forge.pki.rsa.PrivateKey;
}

/** GeneralName tags of RFC 5280 used in subjectAltName. */
const SAN_DNS = 2;
const SAN_IP = 7;

/** RSA-2048 from node's native keygen (node-forge's pure-JS keygen takes seconds). */
function newKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privatePem: privateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
  };
}

function baseCertificate(spec: CertificateSpec, publicKey: forge.pki.rsa.PublicKey, commonName: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject([{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'imagegate' }]);
  return cert;
}

function caCertificate(spec: CertificateSpec, keys: KeyPair): forge.pki.Certificate {
  const cert = baseCertificate(spec, keys.publicKey, `imagegate CA for ${spec.service}.${spec.namespace}`);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    // pathLenConstraint 0: this CA can sign serving certificates but no intermediate CAs.
    { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return cert;
}

function subjectAltNames(spec: CertificateSpec): { type: number; value: string }[] {
  return [
    ...spec.dnsNames.map((value) => ({ type: SAN_DNS, value })),
    ...spec.ipAddresses.map((ip) => ({ type: SAN_IP, value: ipToBytes(ip).toString('latin1') })),
  ];
}

function servingCertificate(spec: CertificateSpec, keys: KeyPair, ca: forge.pki.Certificate, caKey: KeyPair): forge.pki.Certificate {
  const cert = baseCertificate(spec, keys.publicKey, `${spec.service}.${spec.namespace}.svc`);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    // The API server matches only SANs, never the CN, so the SAN list is the whole identity.
    { name: 'subjectAltName', altNames: subjectAltNames(spec) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey.privateKey, forge.md.sha256.create());
  return cert;
}

/** forge emits CRLF line breaks; LF matches node's key PEMs and what kubectl and openssl write. */
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/**
 * Creates a fresh CA and a serving certificate for Service `service` in `namespace`, both RSA-2048
 * with SHA-256 signatures, valid from now (minus 5 minutes of clock skew) for `days` days.
 * Throws IMAGEGATE_CERTS_INVALID_OPTION for bad input. Synchronous and CPU-bound (two keygens).
 */
export function generateCertificates(opts: GenerateCertificatesOptions): CertificateMaterial {
  const spec = parseCertificateSpec(opts);
  const caKeys = newKeyPair();
  const ca = caCertificate(spec, caKeys);
  const leafKeys = newKeyPair();
  const leaf = servingCertificate(spec, leafKeys, ca, caKeys);
  return {
    caCertPem: toPem(ca),
    caKeyPem: caKeys.privatePem,
    certPem: toPem(leaf),
    keyPem: leafKeys.privatePem,
  };
}
