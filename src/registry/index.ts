/** Registry client: tag → digest resolution over the OCI distribution API, and the Pinner. */
export { createRegistryPinner } from './pinner.js';
export type { RegistryPinner } from './pinner.js';
export type { PullCredentialsSource, ResolveResult } from './resolver.js';
export type { ArtifactReader, ArtifactTarget } from './artifacts.js';
export { digestTag } from './artifacts.js';
export type { Descriptor } from './descriptors.js';
