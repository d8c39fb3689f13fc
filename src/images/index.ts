/** Image references: parsing, normalisation, pinning and registry hosts. */
export {
  DIGEST_INVALID,
  IMAGE_DIGEST_CONFLICT,
  IMAGE_REFERENCE_INVALID,
  familiarName,
  parseDigest,
  parseImageReference,
  registryEndpoint,
  registryHost,
  tryParseImageReference,
  withDigest,
} from './reference.js';
export type { Digest, ImageRef, ImageRefResult, RegistryEndpoint } from './reference.js';
export { foldRegistryHost, registryApiAuthority } from './hub.js';
export { MAX_NAME_LENGTH, MAX_REFERENCE_LENGTH, MAX_TAG_LENGTH } from './grammar.js';
