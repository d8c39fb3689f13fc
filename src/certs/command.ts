import { X509Certificate } from 'node:crypto';
import { caBundle, writeCertificates, type CertificatePaths } from './files.js';
import { generateCertificates } from './generate.js';
import { DEFAULT_DAYS } from './options.js';

/** What `imagegate certs --service NAME --namespace NS [--out DIR] [--days N]` does. */
export interface CertsCommandOptions {
  readonly service: string;
  readonly namespace: string;
  /** Output directory; default `certs` (relative to the working directory). */
  readonly out?: string;
  /** Validity in days; default 365. */
  readonly days?: number;
  readonly now?: () => Date;
  /** Receives one line of human output per call, without trailing newline. */
  readonly stdout: (line: string) => void;
}

export const DEFAULT_CERTS_OUT = 'certs';

/**
 * Generates a CA and serving certificate, writes them to `out` and prints the file paths, the
 * SANs, the expiry and the `caBundle:` line for the webhook configuration. Private keys are only
 * written to their 0600 files, never printed.
 */
export async function runCertsCommand(opts: CertsCommandOptions): Promise<CertificatePaths> {
  const days = opts.days ?? DEFAULT_DAYS;
  const material = generateCertificates({
    service: opts.service,
    namespace: opts.namespace,
    days,
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
  const paths = await writeCertificates({ dir: opts.out ?? DEFAULT_CERTS_OUT, material });
  const leaf = new X509Certificate(material.certPem);
  const print = opts.stdout;
  print(`CA certificate:      ${paths.caCertPath}`);
  print(`CA private key:      ${paths.caKeyPath} (mode 0600)`);
  print(`serving certificate: ${paths.certPath}`);
  print(`serving key:         ${paths.keyPath} (mode 0600)`);
  print(`subjectAltName:      ${leaf.subjectAltName ?? ''}`);
  print(`expires:             ${new Date(Date.parse(leaf.validTo)).toISOString()} (${days} days)`);
  print(`secret:              kubectl -n ${opts.namespace} create secret tls ${opts.service}-tls --cert=${paths.certPath} --key=${paths.keyPath}`);
  print(`caBundle: ${caBundle(material.caCertPem)}`);
  return paths;
}
