/**
 * Keys whose values are censored wherever they appear in a log line's fields, at any depth, in
 * any letter case (and at the top level of child-logger bindings, see createLogger). Credentials reach the
 * process through registry auth, pull secrets and TLS material; none of them may ever be written
 * to a log, even nested in an error's fields or a header object a call site passes whole.
 *
 * Censoring happens in the same walk that caps every field (cap.ts), instead of pino's `redact`
 * paths: those re-parsed every path and cloned the object again on every line, 2–10× the cost of
 * the whole rest of a decision line, and reached only the depths the paths named.
 */
export const REDACTED_KEYS: ReadonlySet<string> = new Set([
  'password',
  'token',
  'auth',
  'authorization',
  'key',
  'cookie',
]);

/** What a censored value is replaced with. */
export const CENSORED = '[redacted]';

/** Whether the value under `key` must be censored. */
export function isRedactedKey(key: string): boolean {
  return REDACTED_KEYS.has(key.toLowerCase());
}
