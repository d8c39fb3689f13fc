import type { Config } from './types.js';

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
  return problems;
}

/** Keys that were removed, with what replaced them, so an old config file gets a precise error. */
export const removedKeys: Readonly<Record<string, string>> = {
  '/server/requestTimeoutMs':
    'removed: the request and socket idle timeouts are derived from /admission/maxTimeoutMs so they always outlast the longest review; delete the key (see README "Security notes")',
};
