/**
 * The certs room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { generateCertificates, type CertificateMaterial } from './generate.js';
export { DEFAULT_DAYS, type GenerateCertificatesOptions } from './options.js';
export { caBundle, certificatePaths, writeCertificates, type CertificatePaths, type WriteCertificatesOptions } from './files.js';
export type { CertificatePair, CertificatePairPaths } from './pair.js';
export type { WatchCertificatePairOptions } from './watch.js';
export type { DevCertificates, EnsureDevCertificatesOptions } from './dev.js';
export type { CaBundlePatchOptions, CertsCommandOptions } from './command.js';
export { prepareManifestPatch, writeManifestPatch, type ManifestPatch, type WebhookTarget } from './manifests.js';
export { readTrustedCas, encodeCaBundle, type ReadTrustedCasOptions, type TrustedCa } from './trust.js';
