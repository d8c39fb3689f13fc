/**
 * Refs into `data`: walks the rule trie, calling rule functions for virtual documents,
 * reading the base document elsewhere, enumerating trie children (plus base keys not owned
 * by rules) for variable keys, and building full-extent objects for package nodes.
 */
import type { Operand } from '../ir/index.js';
import type { CTerm } from '../compile/index.js';
import { local } from './builder.js';
import { isShadowed } from './state.js';
import { TermPlanner, type KOp } from './terms.js';
import { isValueRule, type TrieNode } from './trie.js';

export abstract class DataPlanner extends TermPlanner {
  dataRef(path: readonly CTerm[], k: KOp): void {
    this.walkTrie(this.policy.trie, path, k);
  }

  /** True when a `with data.<path>` replacement overlaps rules (they must be re-planned). */
  touchesRules(path: readonly string[]): boolean {
    let node: TrieNode | undefined = this.policy.trie;
    for (const key of path) {
      if (node === undefined) return false;
      if (node.rules.length > 0) return true;
      node = node.children.get(key);
    }
    return node !== undefined && (node.rules.length > 0 || node.children.size > 0);
  }

  private live(node: TrieNode): boolean {
    return !isShadowed(this.gen, node.path);
  }

  /** The base document at `path` (breaks the block when absent). */
  private base(path: readonly string[], k: KOp): void {
    let cur = 1;
    for (const key of path) {
      const next = this.e.local();
      this.e.emit({ type: 'DotStmt', source: local(cur), key: this.e.str(key), target: next });
      cur = next;
    }
    k(local(cur));
  }

  private walkTrie(node: TrieNode, path: readonly CTerm[], k: KOp): void {
    if (isValueRule(node)) {
      const result = this.e.local();
      this.e.emit({ type: 'CallStmt', func: this.policy.funcName(node, this.gen), args: this.ruleArgs(), result });
      return this.walk(local(result), path, k);
    }
    const [first, ...rest] = path;
    if (first === undefined) return this.fullExtent(node, k);
    if (first.type === 'number') {
      // Rule and package names are strings: number keys only reach base documents, where
      // OPA's store also finds `data.x[2]` under the object key "2".
      return this.base(node.path, (b) => this.walkBase(b, path, k));
    }
    if (first.type === 'boolean' || first.type === 'null') return this.base(node.path, (b) => this.walk(b, path, k));
    if (first.type === 'string') {
      const child = node.children.get(first.value);
      if (child !== undefined && this.live(child)) return this.walkTrie(child, rest, k);
      return this.base([...node.path, first.value], (b) => this.walkBase(b, rest, k));
    }
    const children = [...node.children.values()].filter(
      (c) => this.live(c) && !(c.rules.length > 0 && !isValueRule(c)),
    );
    if (children.length === 0) return this.base(node.path, (b) => this.walk(b, path, k));
    const blocks = children.map((c) =>
      this.e.block(() => {
        const key = c.path[c.path.length - 1] ?? '';
        this.unifyOp(first, this.e.str(key), () => this.walkTrie(c, rest, k));
      }),
    );
    blocks.push(this.e.block(() => this.baseExcluding(node, children, first, rest, k)));
    this.e.emit({ type: 'BlockStmt', blocks });
  }

  /** Like `walk`, for base documents: ground number keys also match their string form. */
  private walkBase(src: Operand, path: readonly CTerm[], k: KOp): void {
    const [first, ...rest] = path;
    if (first?.type !== 'number') return this.walk(src, path, k);
    this.dotNumber(this.e.toLocal(src), first.text, (v) => this.walkBase(v, rest, k));
  }

  /** `src[n]` as a number key, else as the string key with the same text. */
  private dotNumber(src: number, text: string, k: KOp): void {
    const target = this.e.local();
    const num = this.number(text);
    const asNumber = this.e.block(() => {
      this.e.emit({ type: 'DotStmt', source: local(src), key: local(num), target });
      this.e.emit({ type: 'BreakStmt', index: 1 });
    });
    const asText = this.e.block(() => {
      this.e.emit({ type: 'DotStmt', source: local(src), key: this.e.str(text), target });
      this.e.emit({ type: 'BreakStmt', index: 1 });
    });
    const either = this.e.block(() => {
      this.e.emit({ type: 'BlockStmt', blocks: [asNumber, asText] });
      this.e.emit({ type: 'BreakStmt', index: 1 });
    });
    this.e.emit({ type: 'BlockStmt', blocks: [either] });
    k(local(target));
  }

  /** Iterates (or looks up) base keys of `node` that no rule owns. */
  private baseExcluding(node: TrieNode, owned: readonly TrieNode[], key: CTerm, rest: readonly CTerm[], k: KOp): void {
    const excl = this.e.local();
    this.e.emit({ type: 'MakeSetStmt', target: excl });
    for (const c of owned)
      this.e.emit({ type: 'SetAddStmt', value: this.e.str(c.path[c.path.length - 1] ?? ''), set: excl });
    this.base(node.path, (b) => {
      const src = this.e.toLocal(b);
      this.scan(src, (kl, vl) => {
        const probe = this.e.local();
        const notOwned = this.e.block(() =>
          this.e.emit({ type: 'DotStmt', source: local(excl), key: local(kl), target: probe }),
        );
        this.e.emit({ type: 'NotStmt', block: notOwned });
        this.unifyOp(key, local(kl), () => this.walk(local(vl), rest, k));
      });
    });
  }

  /** The whole document at a package node: its rules' values merged over the base document. */
  private fullExtent(node: TrieNode, k: KOp): void {
    const virtual = this.virtualObject(node);
    const result = this.e.local();
    const withBase = this.e.block(() =>
      this.base(node.path, (b) => {
        this.e.emit({ type: 'ObjectMergeStmt', a: this.e.toLocal(b), b: virtual, target: result });
        this.e.emit({ type: 'BreakStmt', index: 1 });
      }),
    );
    const outer = this.e.block(() => {
      this.e.emit({ type: 'BlockStmt', blocks: [withBase] });
      this.e.emit({ type: 'AssignVarStmt', source: local(virtual), target: result });
    });
    this.e.emit({ type: 'BlockStmt', blocks: [outer] });
    k(local(result));
  }

  private virtualObject(node: TrieNode): number {
    const obj = this.e.local();
    this.e.emit({ type: 'MakeObjectStmt', target: obj });
    for (const [key, c] of node.children) {
      if (!this.live(c)) continue;
      if (c.rules.length > 0 && !isValueRule(c)) continue;
      const block = this.e.block(() => {
        const value = this.childValue(c);
        this.e.emit({ type: 'ObjectInsertStmt', key: this.e.str(key), value, object: obj });
      });
      this.e.emit({ type: 'BlockStmt', blocks: [block] });
    }
    return obj;
  }

  private childValue(c: TrieNode): Operand {
    if (isValueRule(c)) {
      const result = this.e.local();
      this.e.emit({ type: 'CallStmt', func: this.policy.funcName(c, this.gen), args: this.ruleArgs(), result });
      return local(result);
    }
    return local(this.virtualObject(c));
  }
}
