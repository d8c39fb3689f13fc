/**
 * Kubernetes API client: GET of secrets and service accounts by name with the pod's service
 * account token (re-read when rotated), in-cluster configuration, a TTL cache and deadlines.
 * Only the registry room reads through it (imagePullSecrets); it knows nothing of registries.
 */
export type { KubeClient } from './client.js';
export { createInClusterKubeClient } from './incluster.js';
export { KubeError } from './errors.js';
export type { KubeSecret } from './objects.js';
