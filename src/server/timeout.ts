/**
 * The API server writes the webhook's `timeoutSeconds` (1..30) into `?timeout=` as a Go
 * duration of whole seconds: "1s" … "30s". Nothing else is read as a timeout: a caller that
 * sends "1ns", "500ms" or "1.5s" gets the default deadline, not a deadline of its choosing.
 */
const WHOLE_SECONDS = /^([0-9]{1,3})s$/;

/** `?timeout=` in ms when it has the API server's form, else undefined (the caller's default). */
export function parseTimeoutQuery(value: string): number | undefined {
  const seconds = WHOLE_SECONDS.exec(value)?.[1];
  return seconds === undefined ? undefined : Number(seconds) * 1_000;
}

/** Review deadline settings from `admission.*` (all ms; start-up checks marginMs < minMs ≤ defaultMs ≤ maxMs). */
export interface DeadlineLimits {
  readonly defaultMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly marginMs: number;
}

/**
 * The time budget for one review in ms: `?timeout=` (or the default when absent or malformed),
 * clamped to [minMs, maxMs], minus the margin that lets us answer before the API server gives
 * up. The floor stops a caller from choosing a near-zero deadline (`?timeout=0s`); the ceiling
 * is the longest any review may run, from which the server's socket timeouts are derived.
 */
export function reviewBudgetMs(opts: { readonly query: string | undefined; readonly limits: DeadlineLimits }): number {
  const { limits } = opts;
  const asked = (opts.query === undefined ? undefined : parseTimeoutQuery(opts.query)) ?? limits.defaultMs;
  return Math.min(limits.maxMs, Math.max(limits.minMs, asked)) - limits.marginMs;
}
