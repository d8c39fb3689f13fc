import { X509Certificate } from 'node:crypto';
import { writeCertificates, type CertificatePaths } from './files.js';
import { generateCertificates } from './generate.js';
import { prepareManifestPatch, writeManifestPatch, type ManifestPatch } from './manifests.js';
import { DEFAULT_DAYS } from './options.js';
import { dedupe, describeCa, encodeCaBundle, readTrustedCas, type TrustedCa } from './trust.js';
import { ImagegateError } from '../errors/index.js';

/**
 * What `imagegate certs --service NAME --namespace NS [--out DIR] [--days N]
 * [--trust CA_FILE]... [--patch-manifests FILE]...` does.
 */
export interface CertsCommandOptions {
  readonly service: string;
  readonly namespace: string;
  /** Output directory; default `certs` (relative to the working directory). */
  readonly out?: string;
  /** Validity in days; default 365. */
  readonly days?: number;
  /**
   * PEM files of CAs the API server must keep trusting next to the new one (rotation with
   * overlap: the old `ca.crt`). They follow the new CA in caBundle.
   */
  readonly trust?: readonly string[];
  /** YAML files whose webhook configurations get the caBundle (rewritten in place). */
  readonly patchManifests?: readonly string[];
  readonly now?: () => Date;
  /** Receives one line of human output per call, without trailing newline. */
  readonly stdout: (line: string) => void;
}

/** What `imagegate certs --trust CA_FILE... --patch-manifests FILE...` does: no new certificate. */
export interface CaBundlePatchOptions {
  /** At least one PEM file of CA certificates: the caBundle, in this order. */
  readonly trust: readonly string[];
  /** At least one YAML file of webhook configurations. */
  readonly patchManifests: readonly string[];
  readonly now?: () => Date;
  readonly stdout: (line: string) => void;
}

export const DEFAULT_CERTS_OUT = 'certs';

function systemNow(): Date {
  return new Date();
}

/** Every file is read and checked before anything is written, so a typo leaves no new CA behind. */
async function preparePatches(files: readonly string[]): Promise<readonly ManifestPatch[]> {
  const patches: ManifestPatch[] = [];
  for (const file of files) patches.push(await prepareManifestPatch({ file }));
  return patches;
}

async function applyPatches(patches: readonly ManifestPatch[], cas: readonly TrustedCa[], print: (line: string) => void): Promise<void> {
  if (patches.length === 0) return;
  const bundle = encodeCaBundle(cas);
  for (const patch of patches) {
    await writeManifestPatch(patch, bundle);
    for (const t of patch.targets) print(`patched:             ${patch.file}: ${t.kind}/${t.configuration} webhook ${t.webhook}`);
  }
  for (const ca of cas) print(`caBundle holds:      ${ca.subject} (expires ${ca.notAfter}, SHA-256 ${ca.fingerprint256})`);
}

/**
 * Generates a CA and serving certificate, writes them to `out` and prints the file paths, the
 * SANs, the expiry and the `caBundle:` line for the webhook configuration (the new CA, then the
 * `trust` CAs), and writes that caBundle into every webhook of the `patchManifests` files.
 * Private keys are only written to their 0600 files, never printed.
 */
export async function runCertsCommand(opts: CertsCommandOptions): Promise<CertificatePaths> {
  const days = opts.days ?? DEFAULT_DAYS;
  const now = opts.now ?? systemNow;
  const kept = await readTrustedCas({ files: opts.trust ?? [], now });
  const patches = await preparePatches(opts.patchManifests ?? []);
  const material = generateCertificates({ service: opts.service, namespace: opts.namespace, days, now });
  const paths = await writeCertificates({ dir: opts.out ?? DEFAULT_CERTS_OUT, material });
  const leaf = new X509Certificate(material.certPem);
  const cas = dedupe([describeCa(material.caCertPem), ...kept]);
  const print = opts.stdout;
  print(`CA certificate:      ${paths.caCertPath}`);
  print(`CA private key:      ${paths.caKeyPath} (mode 0600)`);
  print(`serving certificate: ${paths.certPath}`);
  print(`serving key:         ${paths.keyPath} (mode 0600)`);
  print(`subjectAltName:      ${leaf.subjectAltName ?? ''}`);
  print(`expires:             ${new Date(Date.parse(leaf.validTo)).toISOString()} (${days} days)`);
  print(
    `secret:              kubectl -n ${opts.namespace} create secret tls ${opts.service}-tls --cert=${paths.certPath} --key=${paths.keyPath}`,
  );
  await applyPatches(patches, cas, print);
  print(`caBundle: ${encodeCaBundle(cas)}`);
  return paths;
}

/**
 * Writes a caBundle made of the `trust` files' CA certificates into every webhook of the
 * `patchManifests` files, without generating anything: the last step of a rotation (drop the
 * old CA), or a CA issued elsewhere. Throws IMAGEGATE_CERTS_INVALID_OPTION when either list is
 * empty.
 */
export async function runCaBundlePatchCommand(opts: CaBundlePatchOptions): Promise<void> {
  if (opts.trust.length === 0 || opts.patchManifests.length === 0) {
    throw new ImagegateError(
      'IMAGEGATE_CERTS_INVALID_OPTION',
      `patching a caBundle needs at least one --trust CA file and one --patch-manifests file (got ${opts.trust.length} and ${opts.patchManifests.length})`,
    );
  }
  const cas = await readTrustedCas({ files: opts.trust, now: opts.now ?? systemNow });
  const patches = await preparePatches(opts.patchManifests);
  await applyPatches(patches, cas, opts.stdout);
  opts.stdout(`caBundle: ${encodeCaBundle(cas)}`);
}
