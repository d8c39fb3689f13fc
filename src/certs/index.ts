export { loadCertificatePair } from './pair.js';
export { watchCertificatePair, type CertificatePairWatcher } from './watch.js';
export { ensureDevCertificates } from './dev.js';
export { DEFAULT_CERTS_OUT, runCaBundlePatchCommand, runCertsCommand } from './command.js';
