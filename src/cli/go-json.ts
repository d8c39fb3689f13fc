import { jsonTextOf } from '../guards/index.js';

/**
 * JSON as OPA (Go's encoding/json) writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped as
 * `\u003c`…; with `indent`, two spaces as `json.Encoder.SetIndent("", "  ")`. Those characters
 * occur only inside strings in JSON text, so escaping them everywhere is exact.
 */
export function goJson(value: unknown, indent = false): string {
  return (jsonTextOf(value, indent ? 2 : undefined) ?? 'null').replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
