/**
 * Kubernetes API client: GET of secrets and service accounts by name with the pod's service
 * account token (re-read when rotated), in-cluster configuration, a TTL cache and deadlines.
 * Only the registry room reads through it (imagePullSecrets); it knows nothing of registries.
 */
export { createKubeClient, type KubeClient, type KubeClientOptions, type KubeGet } from './client.js';
export { createInClusterKubeClient, SERVICE_ACCOUNT_DIR, type InClusterOptions } from './incluster.js';
export { KUBE_CODES, KubeError } from './errors.js';
export type { KubeSecret, KubeServiceAccount } from './objects.js';
export type { TokenFileSystem } from './token.js';
