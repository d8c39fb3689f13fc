import type { Config, HealthConfig, HealthSourceConfig, HealthSourceKind } from './types.js';
import { signatureProblems } from './signatures.js';
import { enforcementProblems } from './enforcement.js';

/**
 * Checks between keys that the schema cannot express. Each problem names every key involved,
 * their values and the fix. The server's request and idle timeouts are derived from
 * admission.maxTimeoutMs (src/server/limits.ts), so they cannot disagree with the review deadline.
 */
export function relationProblems(config: Config): string[] {
  const { admission: a, server: s, policy: p } = config;
  const problems: string[] = [];
  if (p.bundle !== undefined && p.dir !== undefined) {
    problems.push(
      `/policy/bundle (${JSON.stringify(p.bundle)}) and /policy/dir (${JSON.stringify(p.dir)}) are both set: ` +
        'give exactly one, a built bundle or a directory of .rego files compiled at start-up',
    );
  }
  if (a.deadlineMarginMs >= a.minTimeoutMs) {
    problems.push(
      `/admission/deadlineMarginMs (${a.deadlineMarginMs}) must be less than /admission/minTimeoutMs (${a.minTimeoutMs}): ` +
        'the shortest review would have no time left; lower the margin or raise the floor',
    );
  }
  if (a.minTimeoutMs > a.maxTimeoutMs) {
    problems.push(
      `/admission/minTimeoutMs (${a.minTimeoutMs}) must be at most /admission/maxTimeoutMs (${a.maxTimeoutMs})`,
    );
  }
  if (a.defaultTimeoutMs < a.minTimeoutMs || a.defaultTimeoutMs > a.maxTimeoutMs) {
    problems.push(
      `/admission/defaultTimeoutMs (${a.defaultTimeoutMs}) must be within /admission/minTimeoutMs (${a.minTimeoutMs}) ` +
        `and /admission/maxTimeoutMs (${a.maxTimeoutMs})`,
    );
  }
  if (s.headersTimeoutMs >= a.maxTimeoutMs) {
    problems.push(
      `/server/headersTimeoutMs (${s.headersTimeoutMs}) must be less than /admission/maxTimeoutMs (${a.maxTimeoutMs}), ` +
        'from which the whole-request timeout is derived; lower the headers timeout',
    );
  }
  if (s.maxParsingBytes < s.bodyLimitBytes) {
    problems.push(
      `/server/maxParsingBytes (${s.maxParsingBytes}) must be at least /server/bodyLimitBytes (${s.bodyLimitBytes}), ` +
        'or a body of the largest accepted size could never be parsed; raise maxParsingBytes or lower bodyLimitBytes',
    );
  }
  problems.push(...healthProblems(config.health));
  problems.push(...signatureProblems(config.signatures));
  problems.push(...enforcementProblems(config));
  return problems;
}

type SourceKey = 'url' | 'caFile' | 'credentials' | 'psk' | 'file';

/** Per kind: the keys it requires and the keys it takes at all. */
const SOURCE_KEYS: Readonly<
  Record<HealthSourceKind, { required: readonly SourceKey[]; allowed: readonly SourceKey[] }>
> = {
  pyxis: { required: [], allowed: ['url', 'caFile'] },
  clair: { required: ['url'], allowed: ['url', 'caFile', 'psk'] },
  quay: { required: ['url'], allowed: ['url', 'caFile', 'credentials'] },
  static: { required: ['file'], allowed: ['file'] },
};

function sourceProblems(s: HealthSourceConfig, at: string): string[] {
  const { required, allowed } = SOURCE_KEYS[s.kind];
  const problems: string[] = [];
  for (const key of required)
    if (s[key] === undefined) problems.push(`${at}/${key}: required for a source of kind ${s.kind}`);
  for (const key of ['url', 'caFile', 'credentials', 'psk', 'file'] as const)
    if (s[key] !== undefined && !allowed.includes(key))
      problems.push(`${at}/${key}: a source of kind ${s.kind} takes only ${allowed.join(', ')}; remove it`);
  const c = s.credentials;
  if (c !== undefined && (c.password === undefined) === (c.passwordFile === undefined))
    problems.push(`${at}/credentials: set exactly one of password and passwordFile`);
  if ((c !== undefined || s.psk !== undefined) && s.url?.startsWith('http://') === true)
    problems.push(`${at}/url: credentials are never sent over plain http; use https`);
  return problems;
}

/** Kind-specific keys, unique names, and bands that increase (B < C < D < E) per severity. */
function healthProblems(h: HealthConfig): string[] {
  const problems = h.sources.flatMap((s, i) => sourceProblems(s, `/health/sources/${i}`));
  const names = h.sources.map((s) => s.name ?? s.kind);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i)
      problems.push(`/health/sources/${i}: the name ${JSON.stringify(n)} is used twice; give each source its own name`);
  });
  for (const severity of ['critical', 'important'] as const) {
    let last = 0;
    for (const g of ['B', 'C', 'D', 'E'] as const) {
      const days = h.bands[severity][g];
      if (days === undefined) continue;
      if (days <= last)
        problems.push(
          `/health/bands/${severity}/${g} (${days}) must be greater than the band before it (${last}): bands are upper age limits in days, increasing`,
        );
      last = days;
    }
  }
  return problems;
}

/** Keys that were removed, with what replaced them, so an old config file gets a precise error. */
export const removedKeys: Readonly<Record<string, string>> = {
  '/server/requestTimeoutMs':
    'removed: the request and socket idle timeouts are derived from /admission/maxTimeoutMs so they always outlast the longest review; delete the key (see README "Security notes")',
};
