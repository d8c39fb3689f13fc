/**
 * Continuation-passing planning of terms: each `term(t, k)` emits the statements computing
 * `t` and calls `k` with its operand at the point where it is known; iteration (unbound
 * vars in refs) nests the rest of the body inside ScanStmt blocks, as OPA's planner does.
 */
import { ImagegateError } from '../../errors/index.js';
import type { Operand } from '../ir/index.js';
import type { CBody, CTerm, CVar, CallTarget } from '../compile/index.js';
import { BUILTIN_ARITY } from '../compile/index.js';
import { Emitter, local } from './builder.js';
import { mockKey, type Generation, type PolicyState } from './state.js';

export type K = () => void;
export type KOp = (op: Operand) => void;

export const PLAN_ERROR_CODE = 'IMAGEGATE_REGO_PLAN';

export function planError(message: string): ImagegateError {
  return new ImagegateError(
    PLAN_ERROR_CODE,
    `cannot plan policy: ${message}; this is a bug in imagegate's planner, report it with the policy`,
  );
}

/** State shared by the planners of one IR function or plan. */
export abstract class TermPlanner {
  readonly vars = new Map<string, number>();
  private planned = 0;

  /**
   * `inQuery`: this planner plans the query's own body (OPA's query compiler keeps `a == b`
   * a call; rule bodies turn it into `a = b`, see hoist.ts). Default false.
   */
  constructor(
    readonly policy: PolicyState,
    readonly e: Emitter,
    public gen: Generation,
    readonly inQuery = false,
  ) {}

  /** A var name no compiled rule or query uses (compiled names never contain `%`). */
  plannerVar(): string {
    return `%${this.planned++}`;
  }

  abstract body(body: CBody, k: K): void;
  abstract dataRef(path: readonly CTerm[], k: KOp): void;
  abstract unifyOp(pattern: CTerm, op: Operand, k: K): void;

  isBound(v: CVar): boolean {
    return this.vars.has(v.name);
  }

  /** Binds `v` to a copy of `op` for the duration of `k`. */
  /** Arguments of a call to a rule function: input, data, then the generation's captured vars. */
  ruleArgs(): Operand[] {
    return [local(0), local(1), ...this.capturedArgs()];
  }

  capturedArgs(): Operand[] {
    return this.gen.captured.map((name) => {
      const l = this.vars.get(name);
      if (l === undefined) throw planError(`with value var ${name} is not available here`);
      return local(l);
    });
  }

  bind(v: CVar, op: Operand, k: K): void {
    const l = this.e.local();
    this.e.emit({ type: 'AssignVarStmt', source: op, target: l });
    this.bindLocal(v.name, l, k);
  }

  bindLocal(name: string, l: number, k: K): void {
    const prev = this.vars.get(name);
    this.vars.set(name, l);
    k();
    if (prev === undefined) this.vars.delete(name);
    else this.vars.set(name, prev);
  }

  /** True when `t` has an unbound var in a unifiable position (var, array item, object value). */
  hasUnbound(t: CTerm): boolean {
    switch (t.type) {
      case 'var':
        return !this.isBound(t);
      case 'array':
        return t.items.some((i) => this.hasUnbound(i));
      case 'object':
        return t.entries.some((e) => this.hasUnbound(e.value));
      default:
        return false;
    }
  }

  /**
   * Plans `ts` in order and calls `k` with their operands. Straight terms (see `straight`)
   * are planned in a loop, so a literal with 10,000 elements does not nest 10,000
   * continuations (a stack overflow); the others continue in their continuation.
   */
  terms(ts: readonly CTerm[], k: (ops: Operand[]) => void): void {
    this.termsFrom(ts, 0, [], k);
  }

  private termsFrom(ts: readonly CTerm[], from: number, acc: readonly Operand[], k: (ops: Operand[]) => void): void {
    const ops = [...acc];
    for (let i = from; i < ts.length; i++) {
      const t = ts[i];
      if (t === undefined) break;
      if (!this.straight(t)) {
        this.term(t, (op) => this.termsFrom(ts, i + 1, [...ops, op], k));
        return;
      }
      ops.push(this.straightOperand(t));
    }
    k(ops);
  }

  /**
   * True when planning `t` calls its continuation exactly once, in the current block, as its
   * last action (no scan, no mock, no branch): scalars, bound vars, refs with scalar or bound
   * keys below input or a var, unmocked calls, comprehensions, and collections of these.
   */
  private straight(t: CTerm): boolean {
    const key = (p: CTerm): boolean =>
      p.type === 'string' ||
      p.type === 'number' ||
      p.type === 'boolean' ||
      p.type === 'null' ||
      (p.type === 'var' && this.isBound(p));
    switch (t.type) {
      case 'null':
      case 'boolean':
      case 'number':
      case 'string':
        return true;
      case 'var':
        return this.isBound(t);
      case 'inputRef':
        return t.path.every(key);
      case 'ref':
        return t.head.type === 'var' && this.isBound(t.head) && t.path.every(key);
      case 'array':
      case 'set':
        return t.items.every((i) => this.straight(i));
      case 'object':
        return t.entries.every((e) => this.straight(e.key) && this.straight(e.value));
      case 'arrayCompr':
      case 'setCompr':
      case 'objectCompr':
        return true;
      case 'call':
        return !this.gen.mocks.has(mockKey(t.target)) && t.args.every((a) => this.straight(a));
      case 'dataRef':
      case 'template':
        return false;
      default: {
        const never: never = t;
        return never;
      }
    }
  }

  private straightOperand(t: CTerm): Operand {
    let out: Operand | undefined;
    this.term(t, (op) => {
      out = op;
    });
    if (out === undefined) throw planError('a straight term did not yield its operand');
    return out;
  }

  term(t: CTerm, k: KOp): void {
    this.e.at(t.loc);
    switch (t.type) {
      case 'null': {
        const l = this.e.local();
        this.e.emit({ type: 'MakeNullStmt', target: l });
        return k(local(l));
      }
      case 'boolean':
        return k({ type: 'bool', value: t.value });
      case 'number':
        return k(local(this.number(t.text)));
      case 'string':
        return k(this.e.str(t.value));
      case 'var': {
        const l = this.vars.get(t.name);
        if (l === undefined) throw planError(`var ${t.name} is unbound where it is used`);
        return k(local(l));
      }
      case 'dataRef':
        return this.dataRef(t.path, k);
      case 'inputRef':
        this.e.emit({ type: 'IsDefinedStmt', source: 0 });
        return this.walk(local(0), t.path, k);
      case 'ref':
        return this.term(t.head, (h) => this.walk(h, t.path, k));
      case 'array':
        return this.terms(t.items, (ops) => {
          const l = this.e.local();
          this.e.emit({ type: 'MakeArrayStmt', capacity: ops.length, target: l });
          for (const op of ops) this.e.emit({ type: 'ArrayAppendStmt', value: op, array: l });
          k(local(l));
        });
      case 'set':
        return this.terms(t.items, (ops) => {
          const l = this.e.local();
          this.e.emit({ type: 'MakeSetStmt', target: l });
          for (const op of ops) this.e.emit({ type: 'SetAddStmt', value: op, set: l });
          k(local(l));
        });
      case 'object':
        return this.terms(
          t.entries.flatMap((x) => [x.key, x.value]),
          (ops) => {
            const l = this.e.local();
            this.e.emit({ type: 'MakeObjectStmt', target: l });
            for (let i = 0; i + 1 < ops.length; i += 2) {
              const key = ops[i];
              const value = ops[i + 1];
              if (key !== undefined && value !== undefined)
                this.e.emit({ type: 'ObjectInsertStmt', key, value, object: l });
            }
            k(local(l));
          },
        );
      case 'arrayCompr':
        return this.comprehension(
          'MakeArrayStmt',
          t.body,
          (l) => this.term(t.term, (v) => this.e.emit({ type: 'ArrayAppendStmt', value: v, array: l })),
          k,
        );
      case 'setCompr':
        return this.comprehension(
          'MakeSetStmt',
          t.body,
          (l) => this.term(t.term, (v) => this.e.emit({ type: 'SetAddStmt', value: v, set: l })),
          k,
        );
      case 'objectCompr':
        return this.comprehension(
          'MakeObjectStmt',
          t.body,
          (l) =>
            this.term(t.key, (key) =>
              this.term(t.value, (value) => {
                this.e.emit({ type: 'ObjectInsertOnceStmt', key, value, object: l });
              }),
            ),
          k,
        );
      case 'call':
        return this.terms(t.args, (ops) => this.call(t.target, ops, k));
      case 'template':
        return this.template(t, k);
      default: {
        const never: never = t;
        throw planError(`unknown term ${JSON.stringify(never)}`);
      }
    }
  }

  number(text: string): number {
    const l = this.e.local();
    this.e.emit({ type: 'MakeNumberRefStmt', index: this.policy.statics.string(text), target: l });
    return l;
  }

  private comprehension(
    make: 'MakeArrayStmt' | 'MakeSetStmt' | 'MakeObjectStmt',
    body: CBody,
    add: (l: number) => void,
    k: KOp,
  ): void {
    const l = this.e.local();
    if (make === 'MakeArrayStmt') this.e.emit({ type: make, capacity: 0, target: l });
    else this.e.emit({ type: make, target: l });
    const block = this.e.block(() => this.body(body, () => add(l)));
    this.e.emit({ type: 'BlockStmt', blocks: [block] });
    k(local(l));
  }

  /** `$"…{x}…"`: each part is a set holding its value (empty when undefined). */
  private template(t: Extract<CTerm, { type: 'template' }>, k: KOp): void {
    const arr = this.e.local();
    this.e.emit({ type: 'MakeArrayStmt', capacity: t.parts.length, target: arr });
    for (const p of t.parts) {
      if (p.kind === 'text') {
        this.e.emit({ type: 'ArrayAppendStmt', value: this.e.str(p.value), array: arr });
        continue;
      }
      const set = this.e.local();
      this.e.emit({ type: 'MakeSetStmt', target: set });
      const block = this.e.block(() =>
        this.body(p.body, () => this.term(p.out, (v) => this.e.emit({ type: 'SetAddStmt', value: v, set }))),
      );
      this.e.emit({ type: 'BlockStmt', blocks: [block] });
      this.e.emit({ type: 'ArrayAppendStmt', value: local(set), array: arr });
    }
    this.call({ kind: 'builtin', name: 'internal.template_string' }, [local(arr)], k);
  }

  /** Calls a built-in or rule function (honouring `with` mocks); the result must be defined. */
  call(target: CallTarget, args: readonly Operand[], k: KOp): void {
    const mock = this.gen.mocks.get(mockKey(target));
    if (mock !== undefined) {
      // The replacement runs in the generation where the `with` was written: a mock does
      // not apply inside its own replacement (no accidental recursion).
      const saved = this.gen;
      this.gen = mock.gen;
      try {
        if (mock.kind === 'term')
          this.term(mock.term, (op) => {
            this.gen = saved;
            k(op);
            this.gen = mock.gen;
          });
        else
          this.callDirect(mock.target, args, (op) => {
            this.gen = saved;
            k(op);
            this.gen = mock.gen;
          });
      } finally {
        this.gen = saved;
      }
      return;
    }
    this.callDirect(target, args, k);
  }

  private callDirect(target: CallTarget, args: readonly Operand[], k: KOp): void {
    const result = this.e.local();
    if (target.kind === 'builtin') {
      this.policy.statics.builtin(target.name, BUILTIN_ARITY.get(target.name) ?? args.length);
      this.e.emit({ type: 'CallStmt', func: target.name, args, result });
      return k(local(result));
    }
    const node = this.functionNode(target.path);
    const func = this.policy.funcName(node, this.gen);
    this.e.emit({ type: 'CallStmt', func, args: [local(0), local(1), ...args, ...this.capturedArgs()], result });
    k(local(result));
  }

  private functionNode(path: readonly string[]): Parameters<PolicyState['funcName']>[0] {
    let node = this.policy.trie;
    for (const key of path) {
      const next = node.children.get(key);
      if (next === undefined) throw planError(`no function at data.${path.join('.')}`);
      node = next;
    }
    return node;
  }

  /** Applies `path` to the value `src`: Dot for known keys, Scan for unbound ones. */
  walk(src: Operand, path: readonly CTerm[], k: KOp): void {
    const [first, ...rest] = path;
    if (first === undefined) return k(src);
    const from = this.e.toLocal(src);
    if (first.type === 'var' && !this.isBound(first)) {
      this.scan(from, (key, value) => this.bind(first, local(key), () => this.walk(local(value), rest, k)));
      return;
    }
    if (this.hasUnbound(first)) {
      this.scan(from, (key, value) => this.unifyOp(first, local(key), () => this.walk(local(value), rest, k)));
      return;
    }
    this.term(first, (key) => {
      const target = this.e.local();
      this.e.emit({ type: 'DotStmt', source: local(from), key, target });
      this.walk(local(target), rest, k);
    });
  }

  scan(source: number, body: (key: number, value: number) => void): void {
    const key = this.e.local();
    const value = this.e.local();
    const block = this.e.block(() => body(key, value));
    this.e.emit({ type: 'ScanStmt', source, key, value, block });
  }
}
