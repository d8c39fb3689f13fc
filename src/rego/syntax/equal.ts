/**
 * Structural equality of syntax trees ignoring every `loc` field: `parse(format(m))` and `m` are
 * equal in this sense. Works on any plain JSON-like values (nodes, arrays, scalars).
 */
import { isRecord } from '../../guards/index.js';
export function syntaxEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && arraysEqual(a, b);
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a).filter((k) => k !== 'loc');
  if (keys.length !== Object.keys(b).filter((k) => k !== 'loc').length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && syntaxEqual(a[k], b[k]));
}

function arraysEqual(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => syntaxEqual(x, b[i]));
}

/** A copy of `node` without `loc` fields, for readable test diffs. */
export function withoutLocations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLocations);
  if (!isRecord(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== 'loc')
      .map(([k, v]) => [k, withoutLocations(v)]),
  );
}
