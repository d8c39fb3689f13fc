import { getOwn, hasOwn, isArray, isInteger, isObject, isString, newObject, setOwn } from './values.js';

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

interface Tree {
  leaf: boolean;
  readonly kids: Map<string, Tree>;
}

function pathTree(paths: unknown): Tree | undefined {
  if (!isArray(paths)) return undefined;
  const root: Tree = { leaf: false, kids: new Map() };
  for (const p of paths) {
    const segs = isString(p)
      ? p
          .replace(/^\/+/, '')
          .split('/')
          .filter((s, i, a) => !(s === '' && a.length === 1))
      : parsePath(p);
    if (segs === undefined) return undefined;
    let t = root;
    for (const s of segs) {
      let k = t.kids.get(s);
      if (k === undefined) {
        k = { leaf: false, kids: new Map() };
        t.kids.set(s, k);
      }
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
