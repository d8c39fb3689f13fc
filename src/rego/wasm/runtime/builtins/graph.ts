// Native walk and graph built-ins: their results hold arbitrary values (sets
// included) that would lose their type crossing the host's JSON boundary.

import {
  T_ARRAY,
  T_OBJECT,
  T_SET,
  mkArray,
  mkInt,
  mkSet,
  arrayAppend,
  arrayAt,
  collLen,
  objGet,
  objKeyAt,
  objValAt,
  setAdd,
  setAt,
  setFind,
} from '../value';

function pathWith(path: u32, key: u32): u32 {
  const n = collLen(path);
  const r = mkArray(n + 1);
  for (let i: u32 = 0; i < n; i++) arrayAppend(r, arrayAt(path, i));
  arrayAppend(r, key);
  return r;
}

function walkInto(out: u32, path: u32, v: u32): void {
  const pair = mkArray(2);
  arrayAppend(pair, path);
  arrayAppend(pair, v);
  arrayAppend(out, pair);
  const t = load<u8>(v);
  if (t < T_ARRAY) return;
  const n = collLen(v);
  for (let i: u32 = 0; i < n; i++) {
    if (t == T_ARRAY) walkInto(out, pathWith(path, mkIndex(i)), arrayAt(v, i));
    else if (t == T_OBJECT) walkInto(out, pathWith(path, objKeyAt(v, i)), objValAt(v, i));
    else walkInto(out, pathWith(path, setAt(v, i)), setAt(v, i));
  }
}

function mkIndex(i: u32): u32 {
  return mkInt(<i64>i);
}

/** walk(x): every [path, value] pair of x in pre-order (set elements are their own path key). */
export function bi_walk(v: u32): u32 {
  const out = mkArray(4);
  walkInto(out, mkArray(0), v);
  return out;
}

function isColl(v: u32): bool {
  return v != 0 && (load<u8>(v) == T_ARRAY || load<u8>(v) == T_SET);
}

/** graph.reachable(graph, initial): nodes reachable from initial (a node counts once it is a key of graph). */
export function bi_graph__reachable(graph: u32, initial: u32): u32 {
  if (load<u8>(graph) != T_OBJECT || !isColl(initial)) return 0;
  const queue = mkArray(collLen(initial));
  for (let i: u32 = 0; i < collLen(initial); i++) arrayAppend(queue, arrayAt(initial, i));
  const reached = mkSet();
  for (let q: u32 = 0; q < collLen(queue); q++) {
    const node = arrayAt(queue, q);
    if (setFind(reached, node) >= 0) continue;
    const edges = objGet(graph, node);
    if (edges == 0) continue;
    setAdd(reached, node);
    if (!isColl(edges)) continue;
    for (let i: u32 = 0; i < collLen(edges); i++) {
      const nb = arrayAt(edges, i);
      if (setFind(reached, nb) < 0) arrayAppend(queue, nb);
    }
  }
  return reached;
}

/**
 * Depth-first path building as OPA does it: a node joins `seen` when the walk goes on
 * from it; a path ends (and is recorded) at a node without edges, before a neighbour
 * that is not in the graph, and before a neighbour already in `seen`.
 */
function paths(graph: u32, node: u32, path: u32, seen: u32, out: u32): void {
  const edges = objGet(graph, node);
  if (!isColl(edges) || collLen(edges) == 0) {
    setAdd(out, path);
    return;
  }
  for (let i: u32 = 0; i < collLen(edges); i++) {
    const nb = arrayAt(edges, i);
    if (objGet(graph, nb) == 0 || setFind(seen, nb) >= 0) {
      setAdd(out, path);
      continue;
    }
    setAdd(seen, node);
    paths(graph, nb, pathWith(path, nb), seen, out);
  }
}

/** graph.reachable_paths(graph, initial): set of the paths from each initial node that is in graph. */
export function bi_graph__reachable_paths(graph: u32, initial: u32): u32 {
  if (load<u8>(graph) != T_OBJECT || !isColl(initial)) return 0;
  const out = mkSet();
  for (let i: u32 = 0; i < collLen(initial); i++) {
    const node = arrayAt(initial, i);
    if (objGet(graph, node) == 0) continue;
    const start = mkArray(1);
    arrayAppend(start, node);
    paths(graph, node, start, mkSet(), out);
  }
  return out;
}
