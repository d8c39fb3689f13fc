/**
 * Repository patterns of the health config: `*` (every repository) or a prefix
 * `host[:port][/path]` matched at whole segments, as trusted registries are, so
 * `registry.example.com/team` covers registry.example.com/team/app but not
 * registry.example.com/teamster/app or registry.example.com.evil.io/team/app.
 */
export function matchesPattern(repository: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const slash = pattern.indexOf('/');
  // Hosts compare case-insensitively; imagegate lowercases the image's host, paths are lowercase.
  const p = slash < 0 ? pattern.toLowerCase() : pattern.slice(0, slash).toLowerCase() + pattern.slice(slash);
  return repository === p || repository.startsWith(`${p}/`);
}

/** How specific a pattern is: the longest matching one wins. */
export function specificity(pattern: string): number {
  return pattern === '*' ? 0 : pattern.length + 1;
}
