/**
 * Signatures: cosign signatures and attestations of each judged digest (`.sig`/`.att` tags, OCI
 * 1.1 referrers, Sigstore bundles), verified against the configured authorities (config
 * `signatures`). One fact source, `signatures`, for the facts stage.
 */
export { createSignatureSource } from './source.js';
export { loadSigstoreTrust } from './sigstore/trust.js';
