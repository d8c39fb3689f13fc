import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { certificatePaths, writeCertificates } from './files.js';
import { generateCertificates } from './generate.js';
import { parseCertificateSpec, serviceDnsNames } from './options.js';
import { loadCertificatePair } from './pair.js';

export interface EnsureDevCertificatesOptions {
  readonly dir: string;
  /** Default `imagegate`. */
  readonly service?: string;
  /** Default `imagegate`. */
  readonly namespace?: string;
  readonly now?: () => Date;
}

export interface DevCertificates {
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPath: string;
  /** True when new material was generated and written; false when the existing files were reused. */
  readonly created: boolean;
}

const DEV_NAME = 'imagegate';
const DEV_DNS_NAMES = ['localhost'];
const DEV_IPS = ['127.0.0.1', '::1'];

interface ReuseCheck {
  readonly dir: string;
  readonly service: string;
  readonly namespace: string;
  readonly at: Date;
}

/** Missing, unparsable or unsigned ca.crt makes the pair not reusable: callers hand out caPath. */
async function readCa(path: string): Promise<X509Certificate | undefined> {
  try {
    return new X509Certificate(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function inValidity(cert: X509Certificate, at: Date): boolean {
  const t = at.getTime();
  return Date.parse(cert.validFrom) <= t && t < Date.parse(cert.validTo);
}

function coversNames(cert: X509Certificate, check: ReuseCheck): boolean {
  const names = [...serviceDnsNames(check.service, check.namespace), ...DEV_DNS_NAMES];
  return names.every((n) => cert.checkHost(n, { wildcards: false }) !== undefined) && DEV_IPS.every((ip) => cert.checkIP(ip) !== undefined);
}

/**
 * Reusable when tls.crt/tls.key load as a matching pair, the certificate is valid at `at`, was
 * signed by ca.crt, and covers the service, localhost and loopback names asked for now.
 */
async function canReuse(check: ReuseCheck): Promise<boolean> {
  const paths = certificatePaths(check.dir);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(loadCertificatePair(paths).cert);
  } catch {
    return false;
  }
  const ca = await readCa(paths.caCertPath);
  if (ca === undefined || !cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
  return inValidity(cert, check.at) && coversNames(cert, check);
}

/**
 * For `imagegate serve` without configured certificates: reuses the pair in `dir` when it is
 * still good, otherwise generates a CA and serving certificate for the service, localhost,
 * 127.0.0.1 and ::1 and writes them there (replacing whatever was there). Throws
 * IMAGEGATE_CERTS_INVALID_OPTION for a bad service/namespace, IMAGEGATE_CERTS_WRITE_FAILED when
 * `dir` is not writable.
 */
export async function ensureDevCertificates(opts: EnsureDevCertificatesOptions): Promise<DevCertificates> {
  const service = opts.service ?? DEV_NAME;
  const namespace = opts.namespace ?? DEV_NAME;
  const now = opts.now ?? (() => new Date());
  parseCertificateSpec({ service, namespace, now });
  const paths = certificatePaths(opts.dir);
  const result = { certPath: paths.certPath, keyPath: paths.keyPath, caPath: paths.caCertPath };
  if (await canReuse({ dir: opts.dir, service, namespace, at: now() })) return { ...result, created: false };
  const material = generateCertificates({ service, namespace, now, extraDnsNames: DEV_DNS_NAMES, ipAddresses: DEV_IPS });
  await writeCertificates({ dir: opts.dir, material });
  return { ...result, created: true };
}
