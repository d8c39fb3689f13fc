/**
 * Parses the API server's `?timeout=` query value (a Go duration such as "10s", "1m30s",
 * "500ms") into milliseconds. Returns undefined for anything else, so the caller falls back to
 * its default instead of trusting a malformed value.
 */
export function parseGoDuration(value: string): number | undefined {
  if (value.length === 0 || value.length > 32) return undefined;
  const unitMs: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = value;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    const unit = m?.[2];
    if (m === null || unit === undefined) return undefined;
    total += Number(m[1]) * (unitMs[unit] ?? 0);
    rest = rest.slice(m[0].length);
  }
  return total;
}

/**
 * The time budget for one review in ms: the API server's timeout (capped by our default when
 * absent or invalid) minus a margin, so we answer before the API server gives up on us.
 */
export function reviewBudgetMs(opts: { readonly query: string | undefined; readonly defaultMs: number; readonly marginMs: number }): number {
  const asked = opts.query === undefined ? undefined : parseGoDuration(opts.query);
  const timeout = asked === undefined || asked <= 0 ? opts.defaultMs : Math.min(asked, 30_000);
  return Math.max(1, timeout - opts.marginMs);
}
