/**
 * Kubernetes API client: GET of secrets and service accounts by name with the pod's service
 * account token (re-read when rotated), in-cluster configuration, a TTL cache and deadlines.
 * The registry room reads imagePullSecrets through it, `imagegate serve` namespace labels for
 * policies (createNamespaceLabelsReader); it knows nothing of registries or policies.
 */
export type { KubeClient } from './client.js';
export { createInClusterKubeClient } from './incluster.js';
export { createNamespaceLabelsReader } from './namespaces.js';
export { KubeError } from './errors.js';
export type { KubeSecret } from './objects.js';
