import { isRecord } from '../guards/index.js';

/** An RFC 6902 replace, the only operation /mutate writes. */
export interface Replace {
  readonly op: 'replace';
  /** RFC 6901 pointer to an existing member, e.g. /spec/containers/0/image. */
  readonly path: string;
  readonly value: string;
}

/**
 * `object` with `ops` applied, as the API server applies a mutating webhook's patch; `object`
 * is not changed. A replace must name an existing member (RFC 6902 §4.3): throws otherwise.
 */
export function applyReplaces(
  object: Readonly<Record<string, unknown>>,
  ops: readonly Replace[],
): Readonly<Record<string, unknown>> {
  const copy: unknown = structuredClone(object);
  if (!isRecord(copy)) throw new Error('the object is not a JSON object');
  for (const op of ops) replace(copy, op);
  return copy;
}

function replace(root: Record<string, unknown>, op: Replace): void {
  const keys = op.path.split('/').slice(1).map(unescape);
  const last = keys.pop();
  let node: unknown = root;
  for (const key of keys) node = member(node, key, op.path);
  if (last === undefined) throw new Error(`cannot replace the whole object (${op.path})`);
  if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(last) && Number(last) < node.length)
    node[Number(last)] = op.value;
  else if (isRecord(node) && Object.hasOwn(node, last)) Reflect.set(node, last, op.value);
  else throw new Error(`patch path ${op.path} names no member of the object`);
}

function member(node: unknown, key: string, path: string): unknown {
  if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(key)) return node[Number(key)];
  if (isRecord(node) && Object.hasOwn(node, key)) return node[key];
  throw new Error(`patch path ${path} names no member of the object`);
}

/** RFC 6901: ~1 is "/", ~0 is "~", in that order. */
function unescape(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}
