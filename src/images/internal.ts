/**
 * The images room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export {
  DIGEST_INVALID,
  IMAGE_DIGEST_CONFLICT,
  IMAGE_REFERENCE_INVALID,
  familiarName,
  parseImageReference,
  registryEndpoint,
  registryHost,
} from './reference.js';
export type { ImageRefResult, RegistryEndpoint } from './reference.js';
export { MAX_NAME_LENGTH, MAX_REFERENCE_LENGTH, MAX_TAG_LENGTH } from './grammar.js';
