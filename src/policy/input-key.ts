import { jsonTextOf } from '../guards/index.js';
import type { InputPath } from './paths.js';

/** A trie of input paths: `whole` reads everything below; `any` applies to every key and index. */
interface PathNode {
  readonly whole: boolean;
  readonly keys: ReadonlyMap<string, PathNode>;
  readonly any: PathNode | undefined;
}

const WHOLE: PathNode = { whole: true, keys: new Map(), any: undefined };

/**
 * The canonical JSON of `input` restricted to `paths` (the input paths a policy can read):
 * along each path the keys it names (every key where it has `null`) are kept, whole below its
 * end; other keys are dropped, arrays keep their length (unread elements become null) and
 * scalars stay as they are, so presence and type along every path are kept too. Object keys
 * along the paths are sorted; a subtree read whole is written by JSON.stringify (writeWhole).
 * Two inputs with the same text are indistinguishable to the policy, which makes the text a
 * sound cache key; it follows JSON.stringify's rules for what the policy sees (undefined members
 * dropped, undefined elements null, toJSON of non-plain objects). Throws what JSON.stringify
 * throws (a BigInt, a cycle).
 */
export function restrictedInputKey(opts: { readonly paths: readonly InputPath[] }): (input: unknown) => string {
  const root = normalise(opts.paths.reduce<PathNode | undefined>((node, path) => insert(node, path, 0), undefined));
  return (input) => {
    const out: string[] = [];
    if (root === undefined) out.push('null');
    else write(input, root, out);
    return out.join('');
  };
}

function insert(node: PathNode | undefined, path: InputPath, at: number): PathNode {
  if (node?.whole === true || at === path.length) return WHOLE;
  const seg = path[at];
  const base = node ?? { whole: false, keys: new Map<string, PathNode>(), any: undefined };
  if (seg === null || seg === undefined) return { ...base, any: insert(base.any, path, at + 1) };
  const keys = new Map(base.keys);
  keys.set(seg, insert(keys.get(seg), path, at + 1));
  return { ...base, keys };
}

function union(a: PathNode | undefined, b: PathNode | undefined): PathNode | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.whole || b.whole) return WHOLE;
  const keys = new Map(a.keys);
  for (const [k, n] of b.keys) keys.set(k, union(keys.get(k), n) ?? n);
  return { whole: false, keys, any: union(a.any, b.any) };
}

/** Folds `any` into every named sibling, so a key's node alone says what is read under it. */
function normalise(node: PathNode | undefined): PathNode | undefined {
  if (node === undefined || node.whole) return node;
  const any = normalise(node.any);
  const keys = new Map<string, PathNode>();
  for (const [k, n] of node.keys) keys.set(k, normalise(union(n, any)) ?? WHOLE);
  return { whole: false, keys, any };
}

function write(v: unknown, node: PathNode, out: string[]): void {
  if (node.whole || typeof v !== 'object' || v === null) return writeWhole(v, out);
  if (Array.isArray(v)) {
    out.push('[');
    v.forEach((item: unknown, i) => {
      if (i > 0) out.push(',');
      const child = node.keys.get(String(i)) ?? node.any;
      if (child === undefined) out.push('null');
      else write(item, child, out);
    });
    out.push(']');
    return;
  }
  if (!isPlain(v)) return writeWhole(v, out);
  writeObject(v, out, (key) => node.keys.get(key) ?? node.any, write);
}

/**
 * A subtree read whole, as JSON.stringify writes it (natively, one string): in its own key order,
 * so equal values built in another order only miss the cache, never share a key with a different
 * value. Undefined, functions and symbols are null here, as JSON writes them in arrays (objects
 * skip them before calling this).
 */
function writeWhole(v: unknown, out: string[]): void {
  out.push(jsonTextOf(v) ?? 'null');
}

function writeObject(
  v: object,
  out: string[],
  childOf: (key: string) => PathNode | undefined,
  each: (item: unknown, node: PathNode, out: string[]) => void,
): void {
  out.push('{');
  let first = true;
  for (const [key, item] of Object.entries(v).sort(byKey)) {
    const child = childOf(key);
    if (child === undefined || item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    each(item, child, out);
  }
  out.push('}');
}

function byKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function isPlain(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
