/** Docker Hub's aliases: images say docker.io, logins say index.docker.io, the API is registry-1. */
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const HUB = 'docker.io';
const HUB_API = 'registry-1.docker.io';

/**
 * The form hosts are compared in: lowercase, port kept as written, Docker Hub aliases folded to
 * docker.io. `trusted.example.com:443` stays distinct from `trusted.example.com` (exact match).
 */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return HUB_ALIASES.has(lower) ? HUB : lower;
}

/** The authority requests go to for a normalised host. */
export function apiAuthority(host: string): string {
  return host === HUB ? HUB_API : host;
}

/** `URL.host` of an authority for `scheme`: the form redirect targets are compared in. */
export function urlHost(authority: string, scheme: 'http' | 'https'): string {
  try {
    return new URL(`${scheme}://${authority}/`).host;
  } catch {
    return authority;
  }
}
