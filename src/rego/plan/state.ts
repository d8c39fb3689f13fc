/** Policy-wide planning state: statics, the rule trie, generations and the function queue. */
import type { Func } from '../ir/index.js';
import type { CTerm, CallTarget } from '../compile/index.js';
import { Statics } from './builder.js';
import type { TrieNode } from './trie.js';

/** A function replacement installed by `with`: another function, or a value. */
export type Mock =
  | { readonly kind: 'function'; readonly target: CallTarget; readonly gen: Generation }
  | { readonly kind: 'term'; readonly term: CTerm; readonly gen: Generation };

/**
 * A planning generation. `with` on data paths holding rules, or on functions, plans the
 * rules reached under it again (as `g<N>.data…`) with those paths read from the patched
 * base document and those functions replaced.
 */
export interface Generation {
  readonly id: number;
  readonly shadowed: readonly (readonly string[])[];
  readonly mocks: ReadonlyMap<string, Mock>;
  /**
   * Local vars of the `with` site used by mock values (`f with g as my_var`): every
   * function of the generation takes them as extra parameters after its arguments.
   */
  readonly captured: readonly string[];
}

export const mockKey = (t: CallTarget): string => (t.kind === 'builtin' ? t.name : `data.${t.path.join('.')}`);

export interface PendingFunc {
  readonly name: string;
  readonly node: TrieNode;
  readonly gen: Generation;
}

export class PolicyState {
  readonly statics = new Statics();
  readonly funcs = new Map<string, Func>();
  readonly pending: PendingFunc[] = [];
  private generations = 0;

  constructor(readonly trie: TrieNode) {}

  private readonly unmocked = new Map<number, Generation>();

  newGeneration(
    parent: Generation,
    shadowed: readonly (readonly string[])[],
    mocks: ReadonlyMap<string, Mock>,
    captured: readonly string[],
  ): Generation {
    this.generations++;
    const vars = [...parent.captured, ...captured.filter((v) => !parent.captured.includes(v))];
    return {
      id: this.generations,
      shadowed: [...parent.shadowed, ...shadowed],
      mocks: new Map([...parent.mocks, ...mocks]),
      captured: vars,
    };
  }

  /** `gen` without function mocks: replacement functions run unmocked (OPA: a mock never calls another mock). */
  withoutMocks(gen: Generation): Generation {
    if (gen.mocks.size === 0) return gen;
    const hit = this.unmocked.get(gen.id);
    if (hit !== undefined) return hit;
    this.generations++;
    const made: Generation = { id: this.generations, shadowed: gen.shadowed, mocks: new Map(), captured: [] };
    this.unmocked.set(gen.id, made);
    return made;
  }

  /** The IR name of the function for `node` in `gen`, queued for planning on first use. */
  funcName(node: TrieNode, gen: Generation): string {
    const name = `g${gen.id}.data.${node.path.join('.')}`;
    if (!this.funcs.has(name) && !this.pending.some((p) => p.name === name)) this.pending.push({ name, node, gen });
    return name;
  }
}

/** True when `path` is at or below a path replaced by `with` in this generation. */
export function isShadowed(gen: Generation, path: readonly string[]): boolean {
  return gen.shadowed.some((s) => s.length <= path.length && s.every((k, i) => path[i] === k));
}
