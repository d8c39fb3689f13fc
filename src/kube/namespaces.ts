import type { NamespaceLabelsReader } from '../admission/index.js';
import type { NamespaceLabelsConfig, PullSecretsConfig } from '../config/index.js';
import { KubeError } from './errors.js';
import { createInClusterKubeClient, type InClusterOptions } from './incluster.js';
import type { KubeClient } from './client.js';

/** The namespace-labels reader of `imagegate serve`, with the client it owns. */
export interface OwnedNamespaceLabelsReader extends NamespaceLabelsReader {
  close(): Promise<void>;
}

/**
 * `input.request.namespaceLabels` from the Kubernetes API: one GET per namespace, shared by
 * concurrent reviews (single flight) and reused for `cacheTtlMs` (403 and 404 answers too), each
 * read bounded by `timeoutMs` and the review's deadline. Every failure is a value with its
 * catalogued code (IMAGEGATE_KUBE_FORBIDDEN, …), for the policy's `namespaceLabelsError`.
 */
export function namespaceLabelsReader(opts: { readonly kube: KubeClient }): NamespaceLabelsReader {
  return {
    async read({ namespace, signal }) {
      try {
        const { labels } = await opts.kube.getNamespace({ name: namespace, signal });
        return { kind: 'labels', labels };
      } catch (err) {
        const error =
          err instanceof KubeError
            ? err
            : new KubeError('protocol', `reading namespace ${namespace}: unexpected failure`, { cause: err });
        return { kind: 'error', error: { code: error.code, message: error.message } };
      }
    },
  };
}

/**
 * The in-cluster reader for admission.namespaceLabels: the API server, token and CA are those of
 * registries.pullSecrets (apiServer, tokenFile, caFile), cache and deadline its own.
 * @throws KubeError configInvalid when the API server is unknown or its CA cannot be read
 */
export function createNamespaceLabelsReader(opts: {
  readonly config: NamespaceLabelsConfig;
  readonly connection: PullSecretsConfig;
  readonly overrides?: InClusterOptions['overrides'];
  readonly env?: InClusterOptions['env'];
}): OwnedNamespaceLabelsReader {
  const kube = createInClusterKubeClient({
    config: { ...opts.connection, cacheTtlMs: opts.config.cacheTtlMs, timeoutMs: opts.config.timeoutMs },
    enabledBy: 'admission.namespaceLabels.enabled',
    settingsKey: 'admission.namespaceLabels',
    ...(opts.overrides === undefined ? {} : { overrides: opts.overrides }),
    ...(opts.env === undefined ? {} : { env: opts.env }),
  });
  return { ...namespaceLabelsReader({ kube }), close: () => kube.close() };
}
