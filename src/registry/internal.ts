/**
 * The registry room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export type { RegistryPinner, RegistryPinnerOptions } from './pinner.js';
export {
  createRegistryResolver,
  type RegistryResolver,
  type RegistryResolverOptions,
  type ResolveResult,
  type PullCredentialsSource,
} from './resolver.js';
export type { Resolution } from './client.js';
export type { Platform, PlatformManifest } from './manifest.js';
export { MANIFEST_ACCEPT, MEDIA_TYPES } from './manifest.js';
export {
  parseDockerConfigJson,
  staticCredentialsProvider,
  type Credentials,
  type CredentialsProvider,
  type DockerConfigCredentials,
} from './credentials.js';
export { parseChallenge, type Challenge } from './auth.js';
export { REGISTRY_CODES } from './errors.js';
export { normalizeHost } from './hosts.js';
export { systemResolver, type HostResolver, type ResolvedAddress } from './addresses.js';
export { parseCidr, parseIp, blockingRange, type Cidr, type IpAddress } from './cidr.js';
export { noMetrics, UNTRUSTED_HOST_LABEL, type RegistryMetrics } from './metrics.js';
export { readPullCredentials, type PinContext, type PullCredentials } from './pullsecrets.js';
export type { ArtifactManifest, Descriptor } from './descriptors.js';
