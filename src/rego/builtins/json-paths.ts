import { deepEqual, getOwn, hasOwn, isArray, isInteger, isObject, isString, newObject, setOwn } from './values.js';

/** Path segments of a JSON pointer string ("/a/b" or "a/b", with ~1 and ~0 escapes) or an array path. */
function parsePath(p: unknown): string[] | undefined {
  if (isArray(p)) {
    const out: string[] = [];
    for (const s of p) {
      if (isString(s)) out.push(s);
      else if (isInteger(s)) out.push(String(s));
      else return undefined;
    }
    return out;
  }
  if (!isString(p)) return undefined;
  const body = p.startsWith('/') ? p.slice(1) : p;
  if (body === '') return [];
  return body.split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function arrayIndex(seg: string, len: number, allowEnd: boolean): number | undefined {
  if (allowEnd && seg === '-') return len;
  if (!/^(?:0|[1-9]\d*)$/.test(seg)) return undefined;
  const i = Number(seg);
  return i < len || (allowEnd && i === len) ? i : undefined;
}

function getAt(doc: unknown, path: readonly string[]): { ok: boolean; value: unknown } {
  let cur = doc;
  for (const seg of path) {
    if (isObject(cur) && hasOwn(cur, seg)) cur = getOwn(cur, seg);
    else if (isArray(cur)) {
      const i = arrayIndex(seg, cur.length, false);
      if (i === undefined) return { ok: false, value: undefined };
      cur = cur[i];
    } else return { ok: false, value: undefined };
  }
  return { ok: true, value: cur };
}

type Edit = (parent: unknown, last: string) => unknown;

/** Copy-on-write update of the container at path[:-1]; undefined when the path is invalid. */
function updateAt(doc: unknown, path: readonly string[], edit: Edit): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  if (rest.length === 0) return edit(doc, head);
  if (isObject(doc)) {
    if (!hasOwn(doc, head)) return undefined;
    const child = updateAt(getOwn(doc, head), rest, edit);
    if (child === undefined) return undefined;
    const out = newObject(Object.entries(doc));
    setOwn(out, head, child);
    return out;
  }
  if (isArray(doc)) {
    const i = arrayIndex(head, doc.length, false);
    if (i === undefined) return undefined;
    const child = updateAt(doc[i], rest, edit);
    if (child === undefined) return undefined;
    return doc.map((v, j) => (j === i ? child : v));
  }
  return undefined;
}

function add(doc: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  return updateAt(doc, path, (parent, last) => {
    if (isObject(parent)) { const o = newObject(Object.entries(parent)); setOwn(o, last, value); return o; }
    if (isArray(parent)) {
      const i = arrayIndex(last, parent.length, true);
      return i === undefined ? undefined : [...parent.slice(0, i), value, ...parent.slice(i)];
    }
    return undefined;
  });
}

function remove(doc: unknown, path: readonly string[]): unknown {
  return updateAt(doc, path, (parent, last) => {
    if (isObject(parent)) return hasOwn(parent, last) ? newObject(Object.entries(parent).filter(([k]) => k !== last)) : undefined;
    if (isArray(parent)) {
      const i = arrayIndex(last, parent.length, false);
      return i === undefined ? undefined : parent.filter((_, j) => j !== i);
    }
    return undefined;
  });
}

function applyOp(doc: unknown, op: unknown): unknown {
  if (!isObject(op) || !isString(op['op'])) return undefined;
  const path = parsePath(op['path']);
  if (path === undefined) return undefined;
  const from = op['from'] === undefined ? undefined : parsePath(op['from']);
  switch (op['op']) {
    case 'add': return hasOwn(op, 'value') ? add(doc, path, op['value']) : undefined;
    case 'remove': return path.length === 0 ? undefined : remove(doc, path);
    case 'replace': {
      if (!hasOwn(op, 'value') || !getAt(doc, path).ok) return undefined;
      return path.length === 0 ? op['value'] : add(remove(doc, path), path, op['value']);
    }
    case 'move': case 'copy': {
      if (from === undefined) return undefined;
      const got = getAt(doc, from);
      if (!got.ok) return undefined;
      const base = op['op'] === 'move' ? (from.length === 0 ? undefined : remove(doc, from)) : doc;
      return base === undefined ? undefined : add(base, path, got.value);
    }
    case 'test': {
      const got = getAt(doc, path);
      return got.ok && deepEqual(got.value, op['value']) ? doc : undefined;
    }
    default: return undefined;
  }
}

/** json.patch(doc, patches): RFC 6902; any failing operation (including `test`) makes the result undefined. */
export function jsonPatch(doc: unknown, patches: unknown): unknown {
  if (!isArray(patches)) return undefined;
  let cur: unknown = doc;
  for (const op of patches) {
    cur = applyOp(cur, op);
    if (cur === undefined) return undefined;
  }
  return cur;
}

interface Tree { leaf: boolean; readonly kids: Map<string, Tree> }

function pathTree(paths: unknown): Tree | undefined {
  if (!isArray(paths)) return undefined;
  const root: Tree = { leaf: false, kids: new Map() };
  for (const p of paths) {
    const segs = isString(p) ? p.replace(/^\/+/, '').split('/').filter((s, i, a) => !(s === '' && a.length === 1)) : parsePath(p);
    if (segs === undefined) return undefined;
    let t = root;
    for (const s of segs) {
      let k = t.kids.get(s);
      if (k === undefined) { k = { leaf: false, kids: new Map() }; t.kids.set(s, k); }
      t = k;
    }
    t.leaf = true;
  }
  return root;
}

function filterValue(v: unknown, t: Tree): { keep: boolean; value: unknown } {
  if (t.leaf) return { keep: true, value: v };
  if (isObject(v)) {
    const out = newObject();
    for (const [k, sub] of t.kids) {
      if (!hasOwn(v, k)) continue;
      const r = filterValue(getOwn(v, k), sub);
      if (r.keep) setOwn(out, k, r.value);
    }
    return { keep: true, value: out };
  }
  if (isArray(v)) {
    const out: unknown[] = [];
    v.forEach((x, i) => {
      const sub = t.kids.get(String(i));
      if (sub === undefined) return;
      const r = filterValue(x, sub);
      if (r.keep) out.push(r.value);
    });
    return { keep: true, value: out };
  }
  return { keep: false, value: undefined };
}

function removeValue(v: unknown, t: Tree): unknown {
  if (isObject(v)) {
    const out = newObject();
    for (const [k, x] of Object.entries(v)) {
      const sub = t.kids.get(k);
      if (sub?.leaf === true) continue;
      setOwn(out, k, sub === undefined ? x : removeValue(x, sub));
    }
    return out;
  }
  if (isArray(v)) {
    const out: unknown[] = [];
    v.forEach((x, i) => {
      const sub = t.kids.get(String(i));
      if (sub?.leaf === true) return;
      out.push(sub === undefined ? x : removeValue(x, sub));
    });
    return out;
  }
  return v;
}

/** json.filter(object, paths): keeps only the listed paths ("a/b" strings or segment arrays). */
export function jsonFilter(obj: unknown, paths: unknown): unknown {
  const t = pathTree(paths);
  if (!isObject(obj) || t === undefined) return undefined;
  return filterValue(obj, t).value;
}

/** json.remove(object, paths): drops the listed paths. */
export function jsonRemove(obj: unknown, paths: unknown): unknown {
  const t = pathTree(paths);
  if (!isObject(obj) || t === undefined) return undefined;
  return removeValue(obj, t);
}
