/**
 * Docker Hub's names, owned here: images say docker.io (index.docker.io is the legacy spelling
 * the parser folds, as distribution's ParseNormalizedNamed does), docker logins say
 * index.docker.io, and the API answers at registry-1.docker.io.
 */

/** The domain a reference without a registry host names. */
export const DOCKER_HUB_DOMAIN = 'docker.io';
/** The spelling the reference parser folds to docker.io (exactly, as distribution does). */
export const DOCKER_HUB_LEGACY_DOMAIN = 'index.docker.io';
/** Where Docker Hub's `/v2/` API answers. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

const HUB_ALIASES: ReadonlySet<string> = new Set([DOCKER_HUB_DOMAIN, DOCKER_HUB_LEGACY_DOMAIN, DOCKER_HUB_API_HOST]);

/**
 * The form hosts from configuration and pull secrets are compared in: lowercase, port kept as
 * written, every Docker Hub alias (any case) folded to docker.io. `trusted.example.com:443`
 * stays distinct from `trusted.example.com` (exact match).
 */
export function foldRegistryHost(host: string): string {
  const lower = host.toLowerCase();
  return HUB_ALIASES.has(lower) ? DOCKER_HUB_DOMAIN : lower;
}

/** The authority requests go to for a lowercase host: docker.io → registry-1.docker.io, others unchanged. */
export function registryApiAuthority(host: string): string {
  return host === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : host;
}
