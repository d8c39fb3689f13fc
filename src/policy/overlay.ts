import { isRecord } from '../guards/index.js';

/** `over` wins: objects merge key by key, any other value (arrays included) replaces what `base` had. */
export function overlay(
  base: Readonly<Record<string, unknown>>,
  over: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? overlay(prev, v) : v;
  }
  return out;
}
