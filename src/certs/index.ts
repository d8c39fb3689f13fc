export { generateCertificates, type CertificateMaterial } from './generate.js';
export { DEFAULT_DAYS, type GenerateCertificatesOptions } from './options.js';
export { caBundle, certificatePaths, writeCertificates, type CertificatePaths, type WriteCertificatesOptions } from './files.js';
export { loadCertificatePair, type CertificatePair, type CertificatePairPaths } from './pair.js';
export { watchCertificatePair, type CertificatePairWatcher, type WatchCertificatePairOptions } from './watch.js';
export { ensureDevCertificates, type DevCertificates, type EnsureDevCertificatesOptions } from './dev.js';
export { DEFAULT_CERTS_OUT, runCertsCommand, type CertsCommandOptions } from './command.js';
