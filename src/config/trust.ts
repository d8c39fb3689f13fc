import { foldRegistryHost } from '../images/index.js';
import type { Config } from './types.js';

/**
 * The one list of what imagegate trusts, derived from `registries.hosts`: for each entry its
 * host, or `host/<prefix>` for each of its `repositories`. The pinner contacts only images under
 * these, and the policy's `data.imagegate.config.trusted_registries` is this same list, so the
 * registry a tag is resolved at and the registry the policy admits can never disagree (unless
 * `policy.data` overrides the list on purpose). Hosts are folded as image references fold them
 * (lowercase, Docker Hub aliases → docker.io), so a match is an exact normalised-host match.
 */
export function trustedRepositories(config: Pick<Config, 'registries'>): readonly string[] {
  return config.registries.hosts.flatMap((h) => {
    const host = foldRegistryHost(h.host);
    return h.repositories === undefined ? [host] : h.repositories.map((path) => `${host}/${path}`);
  });
}

/** A `host[:port][/path]` prefix with its host folded as references fold theirs. */
export function foldRepositoryPrefix(prefix: string): string {
  const slash = prefix.indexOf('/');
  return slash === -1 ? foldRegistryHost(prefix) : `${foldRegistryHost(prefix.slice(0, slash))}${prefix.slice(slash)}`;
}

/**
 * A repository pattern of the config (health sources, signature policies, exemptions): `*` covers
 * every repository; a prefix `host[:port][/path]` covers `repository` when it is the prefix or lies
 * under it at a whole segment, the host compared lowercased as repositories carry it:
 * `registry.example.com/team` covers registry.example.com/team/app, never
 * registry.example.com/teamster/app or registry.example.com.evil.io/team/app.
 */
export function coversRepository(pattern: string, repository: string): boolean {
  if (pattern === '*') return true;
  const slash = pattern.indexOf('/');
  const p = slash === -1 ? pattern.toLowerCase() : `${pattern.slice(0, slash).toLowerCase()}${pattern.slice(slash)}`;
  return isUnder(repository, p);
}

/** True when `repository` is `prefix` or lies under it at a whole path segment (both folded). */
export function isUnder(repository: string, prefix: string): boolean {
  return repository === prefix || repository.startsWith(`${prefix}/`);
}
