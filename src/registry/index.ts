/** Registry client: tag → digest resolution over the OCI distribution API, and the Pinner. */
export { createRegistryPinner, type RegistryPinner } from './pinner.js';
export { createRegistryResolver, type RegistryResolver, type RegistryResolverOptions, type ResolveResult } from './resolver.js';
export type { Resolution } from './client.js';
export type { Platform, PlatformManifest } from './manifest.js';
export { MANIFEST_ACCEPT, MEDIA_TYPES } from './manifest.js';
export { parseDockerConfigJson, staticCredentialsProvider, type Credentials, type CredentialsProvider, type DockerConfigCredentials } from './credentials.js';
export { parseChallenge, type Challenge } from './auth.js';
export { REGISTRY_CODES } from './errors.js';
export type { Clock } from './http.js';
export { normalizeHost } from './hosts.js';
