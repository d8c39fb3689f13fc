/**
 * Order-insensitive comparison of Rego result sets, as OPA's conformance harness compares them:
 * canonical JSON text with object keys sorted; with `sort_bindings`, the rows and each binding's
 * top-level array are compared as multisets.
 */
import { isRecord } from '../../src/guards/index.js';

const isList = (v: unknown): v is readonly unknown[] => Array.isArray(v);

/** Canonical JSON text (object keys sorted). */
export function canon(v: unknown): string {
  if (isList(v)) return `[${v.map(canon).join(',')}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** `rows` as canonical text; with `sortBindings`, independent of row order and of each binding's array order. */
export function canonRows(rows: unknown, sortBindings: boolean): string {
  if (!isList(rows) || !sortBindings) return canon(rows);
  const norm = rows.map((r) => {
    if (!isRecord(r)) return canon(r);
    const fields = Object.keys(r)
      .sort()
      .map((k) => {
        const v = r[k];
        return `${JSON.stringify(k)}:${isList(v) ? `[${v.map(canon).sort().join(',')}]` : canon(v)}`;
      });
    return `{${fields.join(',')}}`;
  });
  return `[${norm.sort().join(',')}]`;
}
