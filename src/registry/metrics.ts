/** Label used for images on hosts not in registries.hosts: image hosts are attacker-chosen, so
 * they never become label values (unbounded series would exhaust the metrics registry). */
export const UNTRUSTED_HOST_LABEL = '(untrusted)';

/**
 * Receives one call per tag lookup. `host` is the normalised trusted registry (or
 * UNTRUSTED_HOST_LABEL), `result` is `resolved`, `cached` or the failure code (e.g.
 * IMAGEGATE_REGISTRY_TIMEOUT), `seconds` the time from the call to its outcome. Implemented with
 * prom-client by the server room; must not throw.
 */
export interface RegistryMetrics {
  lookup(host: string, result: string, seconds: number): void;
}

export const noMetrics: RegistryMetrics = { lookup: () => undefined };
