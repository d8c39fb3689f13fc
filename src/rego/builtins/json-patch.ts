/**
 * json.patch(doc, patches) with OPA's semantics (RFC 6902 extended to Rego values, as OPA's
 * edit tree applies it). The module passes both arguments as Rego value text, so `doc` may
 * hold sets (RegoSet); the result keeps them.
 *
 * Paths: a string is split on `/` after trimming every leading `/` (`~1` → `/`, `~0` → `~`;
 * "" is the root); an array's elements are the segments as they are, any value. Segments
 * address:
 * - object members by key (only string segments: imagegate's objects have string keys);
 * - array elements by an integer or an integer string (sign allowed, no leading zero; `-`
 *   means "after the last" and only works for insertion);
 * - set elements by the element itself: inserting into a set needs the last segment equal
 *   to the value (`{"path": "s/d", "value": "d"}`), removing one removes that element, and
 *   descending through one edits the element in place.
 * Any failing operation (missing path, index out of range, failed `test`) makes the whole
 * result undefined, as in OPA.
 */
import { compareValues, deepEqual, getOwn, hasOwn, isArray, isObject, isString, newObject, RegoSet, setOwn } from './values.js';

/** The document after `remove` of the root: only an `add`, `move` or `copy` to the root revives it. */
const DELETED: unique symbol = Symbol('deleted root');
/** A failed operation: the whole result is undefined. */
const FAIL: unique symbol = Symbol('failed');
type Doc = unknown;
/** OPA's reading of a path operand, or undefined when it is neither a string nor an array. */
export function patchPath(p: unknown): readonly unknown[] | undefined {
  if (isArray(p)) return p;
  if (!isString(p)) return undefined;
  if (p === '') return [];
  return p.replace(/^\/+/, '').split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Array position a segment names (Go's edit tree: numbers, integer strings, "-" = length). */
function arrayIndex(seg: unknown, len: number): number | undefined {
  if (typeof seg === 'number') return Number.isInteger(seg) ? seg : undefined;
  if (typeof seg === 'bigint') return seg >= 0n && seg <= BigInt(len) ? Number(seg) : -1;
  if (!isString(seg)) return undefined;
  if (seg === '-') return len;
  if (!/^[+-]?\d+$/.test(seg) || (seg !== '0' && seg.startsWith('0'))) return undefined;
  const n = Number(seg);
  return Number.isSafeInteger(n) ? n : -1;
}

function setOf(elems: readonly unknown[]): RegoSet {
  const sorted = [...elems].sort(compareValues);
  return new RegoSet(sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1], v) !== 0));
}

/** The child of `node` at `seg`, or `found: false`. */
function child(node: Doc, seg: unknown): { found: boolean; value: unknown } {
  if (isObject(node)) return isString(seg) && hasOwn(node, seg) ? { found: true, value: getOwn(node, seg) } : { found: false, value: undefined };
  if (isArray(node)) {
    const i = arrayIndex(seg, node.length);
    return i !== undefined && i >= 0 && i < node.length ? { found: true, value: node[i] } : { found: false, value: undefined };
  }
  if (node instanceof RegoSet) {
    const hit = node.elems.find((e) => deepEqual(e, seg));
    return hit === undefined ? { found: false, value: undefined } : { found: true, value: hit };
  }
  return { found: false, value: undefined };
}

/** `node` with the existing child at `seg` replaced by `value`. */
function withChild(node: Doc, seg: unknown, value: unknown): Doc {
  if (isObject(node) && isString(seg)) {
    const out = newObject(Object.entries(node));
    setOwn(out, seg, value);
    return out;
  }
  if (isArray(node)) {
    const i = arrayIndex(seg, node.length);
    return node.map((v, j) => (j === i ? value : v));
  }
  if (node instanceof RegoSet) return setOf([...node.elems.filter((e) => !deepEqual(e, seg)), value]);
  return FAIL;
}

function insert(node: Doc, seg: unknown, value: unknown): Doc {
  if (isObject(node)) return isString(seg) ? withChild(node, seg, value) : FAIL;
  if (isArray(node)) {
    const i = arrayIndex(seg, node.length);
    return i === undefined || i < 0 || i > node.length ? FAIL : [...node.slice(0, i), value, ...node.slice(i)];
  }
  if (node instanceof RegoSet) return deepEqual(seg, value) ? setOf([...node.elems, value]) : FAIL;
  return FAIL;
}

function remove(node: Doc, seg: unknown): Doc {
  if (!child(node, seg).found) return FAIL;
  if (isObject(node)) return newObject(Object.entries(node).filter(([k]) => k !== seg));
  if (isArray(node)) {
    const i = arrayIndex(seg, node.length);
    return node.filter((_, j) => j !== i);
  }
  if (node instanceof RegoSet) return new RegoSet(node.elems.filter((e) => !deepEqual(e, seg)));
  return FAIL;
}

/** Copy-on-write edit of the container at path[:-1] by `edit(container, lastSegment)`. */
function editAt(doc: Doc, path: readonly unknown[], edit: (node: Doc, seg: unknown) => Doc): Doc {
  const [head, ...rest] = path;
  if (rest.length === 0) return edit(doc, head);
  const c = child(doc, head);
  if (!c.found) return FAIL;
  const updated = editAt(c.value, rest, edit);
  return updated === FAIL ? FAIL : withChild(doc, head, updated);
}

function valueAt(doc: Doc, path: readonly unknown[]): { found: boolean; value: unknown } {
  let cur: { found: boolean; value: unknown } = { found: doc !== DELETED, value: doc };
  for (const seg of path) {
    if (!cur.found) break;
    cur = child(cur.value, seg);
  }
  return cur;
}

function add(doc: Doc, path: readonly unknown[], value: unknown): Doc {
  if (path.length === 0) return value;
  return doc === DELETED ? FAIL : editAt(doc, path, (node, seg) => insert(node, seg, value));
}

function del(doc: Doc, path: readonly unknown[]): Doc {
  if (doc === DELETED) return FAIL;
  return path.length === 0 ? DELETED : editAt(doc, path, remove);
}

interface Op {
  readonly op: string;
  readonly path: readonly unknown[];
  /** Source path of move/copy. */
  readonly from: readonly unknown[] | undefined;
  readonly value: { readonly given: boolean; readonly v: unknown };
}

function readOp(o: unknown): Op | undefined {
  if (!isObject(o) || !isString(o['op']) || !hasOwn(o, 'path')) return undefined;
  const path = patchPath(getOwn(o, 'path'));
  if (path === undefined) return undefined;
  const from = hasOwn(o, 'from') ? patchPath(getOwn(o, 'from')) : undefined;
  return { op: o['op'], path, from, value: { given: hasOwn(o, 'value'), v: getOwn(o, 'value') } };
}

/** One operation applied: the new document, DELETED for a deleted root, or FAIL. */
function apply(doc: Doc, op: Op): Doc {
  switch (op.op) {
    case 'add': return op.value.given ? add(doc, op.path, op.value.v) : FAIL;
    case 'remove': return del(doc, op.path);
    case 'replace': {
      if (!op.value.given) return FAIL;
      const removed = del(doc, op.path);
      return removed === FAIL ? FAIL : add(removed, op.path, op.value.v);
    }
    case 'move': case 'copy': {
      if (op.from === undefined) return FAIL;
      const got = valueAt(doc, op.from);
      if (!got.found) return FAIL;
      const base = op.op === 'move' ? del(doc, op.from) : doc;
      return base === FAIL ? FAIL : add(base, op.path, got.value);
    }
    case 'test': {
      const got = valueAt(doc, op.path);
      return op.value.given && got.found && deepEqual(got.value, op.value.v) ? doc : FAIL;
    }
    default: return FAIL;
  }
}

/** json.patch(doc, patches): the patched document, or undefined when any operation fails. */
export function jsonPatch(doc: unknown, patches: unknown): unknown {
  if (!isArray(patches)) return undefined;
  let cur: Doc = doc;
  for (const raw of patches) {
    const op = readOp(raw);
    if (op === undefined) return undefined;
    cur = apply(cur, op);
    if (cur === FAIL) return undefined;
  }
  return cur === DELETED ? undefined : cur;
}
