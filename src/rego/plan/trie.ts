/** The rule trie: one node per data path segment; nodes holding rules become IR functions. */
import type { CRule, Program } from '../compile/index.js';

export interface TrieNode {
  readonly path: readonly string[];
  readonly children: Map<string, TrieNode>;
  readonly rules: CRule[];
  /**
   * True for a node whose rules have variable keys (`p[q].r := …`, `p[q] contains …`): all
   * rules at or below it build one object in one function, as OPA groups general ref heads.
   */
  group: boolean;
}

function child(node: TrieNode, key: string): TrieNode {
  const hit = node.children.get(key);
  if (hit !== undefined) return hit;
  const made: TrieNode = { path: [...node.path, key], children: new Map(), rules: [], group: false };
  node.children.set(key, made);
  return made;
}

export function buildTrie(program: Program): TrieNode {
  const root: TrieNode = { path: [], children: new Map(), rules: [], group: false };
  const at = (path: readonly string[]): TrieNode => path.reduce(child, root);
  for (const pkg of program.packages) at(pkg);
  for (const r of program.rules) at(r.path).rules.push(r);
  groupDynamic(root);
  return root;
}

function subtreeRules(node: TrieNode): CRule[] {
  return [...node.rules, ...[...node.children.values()].flatMap(subtreeRules)];
}

function groupDynamic(node: TrieNode): void {
  if (node.rules.some((r) => r.keys.length > 0 && r.kind !== 'function')) {
    const all = subtreeRules(node);
    node.rules.length = 0;
    node.rules.push(...all);
    node.children.clear();
    node.group = true;
    return;
  }
  for (const c of node.children.values()) groupDynamic(c);
}

/** True when the node is a rule other than a function (it has a value). */
export const isValueRule = (n: TrieNode): boolean => n.rules.length > 0 && n.rules.every((r) => r.kind !== 'function');
