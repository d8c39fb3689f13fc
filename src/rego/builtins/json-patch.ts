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
import {
  compareValues,
  deepEqual,
  getOwn,
  hasOwn,
  isArray,
  isObject,
  isString,
  newObject,
  RegoSet,
  setOwn,
} from './values.js';

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
  return p
    .replace(/^\/+/, '')
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
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
  if (isObject(node))
    return isString(seg) && hasOwn(node, seg)
      ? { found: true, value: getOwn(node, seg) }
      : { found: false, value: undefined };
  if (isArray(node)) {
    const i = arrayIndex(seg, node.length);
    return i !== undefined && i >= 0 && i < node.length
      ? { found: true, value: node[i] }
      : { found: false, value: undefined };
  }
  if (node instanceof RegoSet) {
    const hit = node.elems.find((e) => deepEqual(e, seg));
    return hit === undefined ? { found: false, value: undefined } : { found: true, value: hit };
  }
  return { found: false, value: undefined };
}

/**
 * Containers created by this json.patch call: nobody else holds them, so later operations
 * edit them in place instead of copying (10,000 operations on one object stay linear).
 * Input containers are copied once, on their first edit. `copy` would make one container
 * reachable twice, so it clears the set (later edits copy again).
 */
class Owned {
  private set = new WeakSet<object>();

  has(x: unknown): boolean {
    return typeof x === 'object' && x !== null && this.set.has(x);
  }

  add<T extends object>(x: T): T {
    this.set.add(x);
    return x;
  }

  /** `a` itself when this call created it (so it may be edited), else an owned copy. */
  array(a: readonly unknown[]): unknown[] {
    return isMutable(a) && this.set.has(a) ? a : this.add([...a]);
  }

  clear(): void {
    this.set = new WeakSet<object>();
  }
}

/** Arrays are built as plain (mutable) arrays; only ownership decides whether one may be edited. */
function isMutable(a: readonly unknown[]): a is unknown[] {
  return Array.isArray(a);
}

/** `node` with the existing child at `seg` replaced by `value`. */
function withChild(own: Owned, node: Doc, seg: unknown, value: unknown): Doc {
  if (isObject(node) && isString(seg)) {
    const out = own.has(node) ? node : own.add(newObject(Object.entries(node)));
    setOwn(out, seg, value);
    return out;
  }
  if (isArray(node)) {
    const i = arrayIndex(seg, node.length);
    if (i === undefined || i < 0 || i >= node.length) return FAIL;
    const out = own.array(node);
    out[i] = value;
    return out;
  }
  if (node instanceof RegoSet) return setOf([...node.elems.filter((e) => !deepEqual(e, seg)), value]);
  return FAIL;
}

function insert(own: Owned, node: Doc, seg: unknown, value: unknown): Doc {
  if (isObject(node)) return isString(seg) ? withChild(own, node, seg, value) : FAIL;
  if (isArray(node)) {
    const i = arrayIndex(seg, node.length);
    if (i === undefined || i < 0 || i > node.length) return FAIL;
    const out = own.array(node);
    out.splice(i, 0, value);
    return out;
  }
  if (node instanceof RegoSet) return deepEqual(seg, value) ? setOf([...node.elems, value]) : FAIL;
  return FAIL;
}

function remove(own: Owned, node: Doc, seg: unknown): Doc {
  if (!child(node, seg).found) return FAIL;
  if (isObject(node) && isString(seg)) {
    if (!own.has(node)) return own.add(newObject(Object.entries(node).filter(([k]) => k !== seg)));
    Reflect.deleteProperty(node, seg);
    return node;
  }
  if (isArray(node)) {
    const i = arrayIndex(seg, node.length);
    if (i === undefined) return FAIL;
    const out = own.array(node);
    out.splice(i, 1);
    return out;
  }
  if (node instanceof RegoSet) return new RegoSet(node.elems.filter((e) => !deepEqual(e, seg)));
  return FAIL;
}

/**
 * `edit(container, lastSegment)` applied to the container at path[:-1] (path non-empty),
 * then each ancestor updated bottom-up. A loop, not recursion: paths may be as deep as the
 * document (a recursive walk overflowed the stack on deep documents).
 */
function editAt(own: Owned, doc: Doc, path: readonly unknown[], edit: (node: Doc, seg: unknown) => Doc): Doc {
  const parents: { readonly node: Doc; readonly seg: unknown }[] = [];
  let node = doc;
  for (let i = 0; i + 1 < path.length; i++) {
    const c = child(node, path[i]);
    if (!c.found) return FAIL;
    parents.push({ node, seg: path[i] });
    node = c.value;
  }
  let updated = edit(node, path[path.length - 1]);
  for (let j = parents.length - 1; j >= 0 && updated !== FAIL; j--) {
    const p = parents[j];
    if (p !== undefined) updated = withChild(own, p.node, p.seg, updated);
  }
  return updated;
}

function valueAt(doc: Doc, path: readonly unknown[]): { found: boolean; value: unknown } {
  let cur: { found: boolean; value: unknown } = { found: doc !== DELETED, value: doc };
  for (const seg of path) {
    if (!cur.found) break;
    cur = child(cur.value, seg);
  }
  return cur;
}

function add(own: Owned, doc: Doc, path: readonly unknown[], value: unknown): Doc {
  if (path.length === 0) return value;
  return doc === DELETED ? FAIL : editAt(own, doc, path, (node, seg) => insert(own, node, seg, value));
}

function del(own: Owned, doc: Doc, path: readonly unknown[]): Doc {
  if (doc === DELETED) return FAIL;
  return path.length === 0 ? DELETED : editAt(own, doc, path, (node, seg) => remove(own, node, seg));
}

interface Op {
  readonly op: string;
  readonly path: readonly unknown[];
  /** Source path of move/copy. */
  readonly from: readonly unknown[] | undefined;
  readonly value: { readonly given: boolean; readonly v: unknown };
}

function readOp(o: unknown): Op | undefined {
  if (!isObject(o) || !isString(o.op) || !hasOwn(o, 'path')) return undefined;
  const path = patchPath(getOwn(o, 'path'));
  if (path === undefined) return undefined;
  const from = hasOwn(o, 'from') ? patchPath(getOwn(o, 'from')) : undefined;
  return { op: o.op, path, from, value: { given: hasOwn(o, 'value'), v: getOwn(o, 'value') } };
}

/** One operation applied: the new document, DELETED for a deleted root, or FAIL. */
function apply(own: Owned, doc: Doc, op: Op): Doc {
  switch (op.op) {
    case 'add':
      return op.value.given ? add(own, doc, op.path, op.value.v) : FAIL;
    case 'remove':
      return del(own, doc, op.path);
    case 'replace': {
      if (!op.value.given) return FAIL;
      const removed = del(own, doc, op.path);
      return removed === FAIL ? FAIL : add(own, removed, op.path, op.value.v);
    }
    case 'move':
    case 'copy': {
      if (op.from === undefined) return FAIL;
      const got = valueAt(doc, op.from);
      if (!got.found) return FAIL;
      if (op.op === 'copy') own.clear();
      const base = op.op === 'move' ? del(own, doc, op.from) : doc;
      return base === FAIL ? FAIL : add(own, base, op.path, got.value);
    }
    case 'test': {
      const got = valueAt(doc, op.path);
      return op.value.given && got.found && deepEqual(got.value, op.value.v) ? doc : FAIL;
    }
    default:
      return FAIL;
  }
}

/** json.patch(doc, patches): the patched document, or undefined when any operation fails. */
export function jsonPatch(doc: unknown, patches: unknown): unknown {
  if (!isArray(patches)) return undefined;
  const own = new Owned();
  let cur: Doc = doc;
  for (const raw of patches) {
    const op = readOp(raw);
    if (op === undefined) return undefined;
    cur = apply(own, cur, op);
    if (cur === FAIL) return undefined;
  }
  return cur === DELETED ? undefined : cur;
}
