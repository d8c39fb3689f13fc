/**
 * Type guards (and honest types) for untrusted values (parsed JSON, YAML, worker messages). Dependency-free: the
 * evaluator and parse worker threads import it too.
 */

/** A non-null, non-array object: what JSON calls an object. Arrays are refused, so `v[key]` never reads an index. */
export function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * JSON.stringify as it behaves: undefined for undefined, functions and symbols, which lib.d.ts
 * types as string. `indent` in spaces; none by default.
 */
export function jsonTextOf(v: unknown, indent?: number): string | undefined {
  return JSON.stringify(v, null, indent);
}
