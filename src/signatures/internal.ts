/**
 * The signatures room's internals for its tests: names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { fingerprintOf, loadPublicKey } from './keys.js';
export { verifiesWith } from './sigstore/keys.js';
export { checkSimpleSigning, checkStatement, pae, COSIGN_SIGNATURE_TYPE } from './payload.js';
export { checkTlog } from './rekor.js';
export { ANNOTATIONS, BUNDLE_V03 } from './discover.js';
export { SIMPLE_SIGNING, DSSE_ENVELOPE } from './judge.js';
export type { CosignLayer, Signer, Verified, IdentityRule, BoundKeyless } from './types.js';
export type { SignaturesFact, SignatureSourceOptions } from './source.js';
export type { KeylessVerifier, TrustLike } from './types.js';
export { loadSigstoreTrust, sigstoreTrustFromJson, type SigstoreTrust } from './sigstore/trust.js';
export { verifyBundle, verifyKeylessLayer, type Content, type Tlog } from './sigstore/verify.js';
export { identityRuleProblem, matchIdentity } from './sigstore/identity.js';
