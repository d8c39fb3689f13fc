import { foldRegistryHost, registryApiAuthority } from '../images/index.js';

/** Hosts are compared in the images room's folded form (Docker Hub aliases → docker.io). */
export const normalizeHost = foldRegistryHost;

/** The authority requests go to for a normalised host (docker.io → registry-1.docker.io). */
export const apiAuthority = registryApiAuthority;

/** `URL.host` of an authority for `scheme`: the form redirect targets are compared in. */
export function urlHost(authority: string, scheme: 'http' | 'https'): string {
  try {
    return new URL(`${scheme}://${authority}/`).host;
  } catch {
    return authority;
  }
}
