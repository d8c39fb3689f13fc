/**
 * The kube room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { createKubeClient, type KubeClientOptions, type KubeGet } from './client.js';
export { SERVICE_ACCOUNT_DIR, type InClusterOptions } from './incluster.js';
export { KUBE_CODES } from './errors.js';
export type { KubeServiceAccount } from './objects.js';
export type { TokenFileSystem } from './token.js';
export { namespaceLabelsReader, type OwnedNamespaceLabelsReader } from './namespaces.js';
export type { KubeNamespace } from './objects.js';
export type { KubeConnectionConfig } from './incluster.js';
