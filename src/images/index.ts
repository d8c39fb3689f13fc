/** Image references: parsing, normalisation, pinning and registry hosts. */
export { parseDigest, tryParseImageReference, withDigest } from './reference.js';
export type { Digest, ImageRef } from './reference.js';
export { foldRegistryHost, registryApiAuthority } from './hub.js';
