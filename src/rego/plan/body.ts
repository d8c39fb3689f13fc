/** Planning of bodies and expressions: unification, negation, `every`, `with`. */
import type { Operand } from '../ir/index.js';
import {
  RELATION_BUILTINS,
  deepTermVars,
  type CBody,
  type CCore,
  type CExpr,
  type CTerm,
  type CVar,
  type CWith,
} from '../compile/index.js';
import { FALSE, TRUE, local } from './builder.js';
import { DataPlanner } from './data.js';
import { hoistNegated } from './hoist.js';
import { mockKey, type Mock } from './state.js';
import type { K } from './terms.js';

export class BodyPlanner extends DataPlanner {
  body(body: CBody, k: K): void {
    const [first, ...rest] = body;
    if (first === undefined) return k();
    this.expr(first, () => this.body(rest, k));
  }

  expr(x: CExpr, k: K): void {
    this.e.at(x.loc);
    if (x.with.length > 0) return this.withExpr(x, k);
    this.exprNoWith(x, k);
  }

  private exprNoWith(x: CExpr, k: K): void {
    if (!x.negated) return this.core(x.core, k);
    // OPA evaluates refs and nested calls of a negated expression before the `not` (hoist.ts):
    // when one is undefined, the body fails instead of the negation succeeding.
    const { core, pre } = hoistNegated(x.core, { equalsAsUnify: !this.inQuery, fresh: () => this.plannerVar() });
    const first = (i: number): void => {
      const p = pre[i];
      if (p === undefined) return this.negation(core, k);
      this.unify(p.v, p.term, () => first(i + 1));
    };
    first(0);
  }

  /** `not`: a flag set by the expression's continuation; disjunctions inside stay correct. */
  private negation(c: CCore, k: K): void {
    const flag = this.e.local();
    this.e.emit({ type: 'ResetLocalStmt', target: flag });
    const block = this.e.block(() =>
      this.core(c, () => this.e.emit({ type: 'AssignVarStmt', source: TRUE, target: flag })),
    );
    this.e.emit({ type: 'BlockStmt', blocks: [block] });
    this.e.emit({ type: 'IsUndefinedStmt', source: flag });
    k();
  }

  private core(c: CCore, k: K): void {
    switch (c.type) {
      case 'unify':
        return this.unify(c.a, c.b, k);
      case 'call':
        return this.terms(c.args, (ops) =>
          this.call(c.target, ops, (res) => {
            const output = c.output;
            if (output === null) {
              this.e.emit({ type: 'NotEqualStmt', a: res, b: FALSE });
              return k();
            }
            if (
              c.target.kind === 'builtin' &&
              RELATION_BUILTINS.has(c.target.name) &&
              !this.gen.mocks.has(mockKey(c.target))
            ) {
              return this.scan(this.e.toLocal(res), (_key, value) => this.unifyOp(output, local(value), k));
            }
            this.unifyOp(output, res, k);
          }),
        );
      case 'term':
        return this.termStatement(c.term, k);
      case 'every':
        return this.every(c.key, c.value, c.domain, c.body, k);
      default: {
        const never: never = c;
        return never;
      }
    }
  }

  private termStatement(t: CTerm, k: K): void {
    switch (t.type) {
      case 'boolean':
        if (!t.value) return this.e.emit({ type: 'BreakStmt', index: 0 });
        return k();
      case 'null':
      case 'number':
      case 'string':
        return k();
      case 'array':
      case 'set':
      case 'object':
      case 'arrayCompr':
      case 'setCompr':
      case 'objectCompr':
      case 'template':
        return this.term(t, () => k());
      default:
        return this.term(t, (op) => {
          this.e.emit({ type: 'NotEqualStmt', a: op, b: FALSE });
          k();
        });
    }
  }

  unify(a: CTerm, b: CTerm, k: K): void {
    // `x := walk(y)` is `walk(y, x)`: relations bind their output once per solution.
    if (this.isRelationCall(b)) return this.relation(b, a, k);
    if (this.isRelationCall(a)) return this.relation(a, b, k);
    if (a.type === 'var' && !this.isBound(a)) return this.term(b, (op) => this.bind(a, op, k));
    if (b.type === 'var' && !this.isBound(b)) return this.term(a, (op) => this.bind(b, op, k));
    if (a.type === 'array' && b.type === 'array' && (this.hasUnbound(a) || this.hasUnbound(b))) {
      if (a.items.length !== b.items.length) return this.e.emit({ type: 'BreakStmt', index: 0 });
      return this.unifyPairs(
        a.items.map((x, i) => [x, b.items[i] ?? x]),
        k,
      );
    }
    if (a.type === 'object' && b.type === 'object' && (this.hasUnbound(a) || this.hasUnbound(b))) {
      const pairs = matchEntries(a, b);
      if (pairs === null) return this.e.emit({ type: 'BreakStmt', index: 0 });
      return this.unifyPairs(pairs, k);
    }
    if (this.hasUnbound(a)) return this.term(b, (op) => this.unifyOp(a, op, k));
    if (this.hasUnbound(b)) return this.term(a, (op) => this.unifyOp(b, op, k));
    this.term(a, (oa) =>
      this.term(b, (ob) => {
        this.e.emit({ type: 'EqualStmt', a: oa, b: ob });
        k();
      }),
    );
  }

  /** Unifies element pairs, each time taking one whose sides are not both unbound patterns. */
  private isRelationCall(t: CTerm): t is Extract<CTerm, { type: 'call' }> {
    return (
      t.type === 'call' &&
      t.target.kind === 'builtin' &&
      RELATION_BUILTINS.has(t.target.name) &&
      !this.gen.mocks.has(mockKey(t.target))
    );
  }

  private relation(call: Extract<CTerm, { type: 'call' }>, output: CTerm, k: K): void {
    this.terms(call.args, (ops) =>
      this.call(call.target, ops, (res) => {
        this.scan(this.e.toLocal(res), (_key, value) => this.unifyOp(output, local(value), k));
      }),
    );
  }

  private unifyPairs(pairs: readonly (readonly [CTerm, CTerm])[], k: K): void {
    if (pairs.length === 0) return k();
    const ready = pairs.findIndex(
      ([a, b]) =>
        !this.hasUnbound(a) ||
        !this.hasUnbound(b) ||
        (a.type === b.type && (a.type === 'array' || a.type === 'object')),
    );
    const i = ready < 0 ? 0 : ready;
    const pair = pairs[i];
    if (pair === undefined) return k();
    const rest = pairs.filter((_, j) => j !== i);
    this.unify(pair[0], pair[1], () => this.unifyPairs(rest, k));
  }

  /** Unifies a term (possibly a pattern with unbound vars) with an evaluated value. */
  unifyOp(pattern: CTerm, op: Operand, k: K): void {
    if (pattern.type === 'var' && !this.isBound(pattern)) return this.bind(pattern, op, k);
    if (pattern.type === 'array' && this.hasUnbound(pattern)) {
      const src = this.e.toLocal(op);
      this.e.emit({ type: 'IsArrayStmt', source: local(src) });
      this.checkLength(src, pattern.items.length);
      return this.unifyElements(
        src,
        pattern.items.map((item, i) => [item, { type: 'number', text: String(i), loc: pattern.loc }] as const),
        k,
      );
    }
    if (pattern.type === 'object' && this.hasUnbound(pattern)) {
      const src = this.e.toLocal(op);
      this.e.emit({ type: 'IsObjectStmt', source: local(src) });
      this.checkLength(src, pattern.entries.length);
      return this.unifyElements(
        src,
        pattern.entries.map((x) => [x.value, x.key] as const),
        k,
      );
    }
    this.term(pattern, (p) => {
      this.e.emit({ type: 'EqualStmt', a: p, b: op });
      k();
    });
  }

  private checkLength(src: number, n: number): void {
    const len = this.e.local();
    const want = this.e.local();
    this.e.emit({ type: 'LenStmt', source: local(src), target: len });
    this.e.emit({ type: 'MakeNumberIntStmt', value: n, target: want });
    this.e.emit({ type: 'EqualStmt', a: local(len), b: local(want) });
  }

  private unifyElements(src: number, items: readonly (readonly [CTerm, CTerm])[], k: K): void {
    const [first, ...rest] = items;
    if (first === undefined) return k();
    const [pattern, key] = first;
    this.term(key, (keyOp) => {
      const el = this.e.local();
      this.e.emit({ type: 'DotStmt', source: local(src), key: keyOp, target: el });
      this.unifyOp(pattern, local(el), () => this.unifyElements(src, rest, k));
    });
  }

  /** `every k, v in domain { body }`: no element may fail; non-collections are undefined. */
  private every(key: CVar | null, value: CVar, domain: CTerm, body: CBody, k: K): void {
    this.term(domain, (d) => {
      const dom = this.e.toLocal(d);
      const failed = this.e.local();
      this.e.emit({ type: 'ResetLocalStmt', target: failed });
      const check = (type: 'IsArrayStmt' | 'IsObjectStmt' | 'IsSetStmt') =>
        this.e.block(() => {
          this.e.emit({ type, source: local(dom) });
          this.e.emit({ type: 'BreakStmt', index: 1 });
        });
      const types = this.e.block(() => {
        this.e.emit({ type: 'BlockStmt', blocks: [check('IsArrayStmt'), check('IsObjectStmt'), check('IsSetStmt')] });
        this.e.emit({ type: 'BreakStmt', index: 1 });
      });
      this.e.emit({ type: 'BlockStmt', blocks: [types] });
      this.scan(dom, (kl, vl) => {
        const ok = this.e.local();
        this.e.emit({ type: 'ResetLocalStmt', target: ok });
        const inner = this.e.block(() => {
          const run = (): void =>
            this.bindLocal(value.name, vl, () =>
              this.body(body, () => this.e.emit({ type: 'AssignVarStmt', source: TRUE, target: ok })),
            );
          if (key === null) run();
          else this.bindLocal(key.name, kl, run);
        });
        this.e.emit({ type: 'BlockStmt', blocks: [inner] });
        this.e.emit({ type: 'IsUndefinedStmt', source: ok });
        this.e.emit({ type: 'AssignVarStmt', source: TRUE, target: failed });
      });
      this.e.emit({ type: 'IsUndefinedStmt', source: failed });
      k();
    });
  }

  /** `expr with t1 as v1 …`: values first, then nested WithStmts; the rest of the body runs with originals restored. */
  private withExpr(x: CExpr, k: K): void {
    const values = x.with.flatMap((w) =>
      w.value.kind === 'term' && w.target.kind !== 'function' ? [w.value.term] : [],
    );
    this.terms(values, (ops) => {
      const outer = this.gen;
      const mocks = new Map<string, Mock>();
      const shadowed: string[][] = [];
      for (const w of x.with) {
        if (w.target.kind === 'function')
          mocks.set(
            mockKey(w.target.target),
            w.value.kind === 'function'
              ? { kind: 'function', target: w.value.target, gen: this.policy.withoutMocks(outer) }
              : { kind: 'term', term: w.value.term, gen: outer },
          );
        else if (w.target.kind === 'data' && this.touchesRules(w.target.path)) shadowed.push([...w.target.path]);
      }
      const captured = new Set<string>();
      for (const m of mocks.values()) if (m.kind === 'term') for (const v of deepTermVars(m.term)) captured.add(v);
      const inner =
        mocks.size > 0 || shadowed.length > 0
          ? this.policy.newGeneration(outer, shadowed, mocks, [...captured])
          : outer;
      const docs = x.with.filter(
        (w): w is CWith & { target: { kind: 'input' | 'data' } } => w.target.kind !== 'function',
      );
      const saved = new Map<number, number>();
      for (const w of docs) {
        const l = w.target.kind === 'input' ? 0 : 1;
        if (saved.has(l)) continue;
        const s = this.e.local();
        this.e.emit({ type: 'AssignVarStmt', source: local(l), target: s });
        saved.set(l, s);
      }
      const restore = (): void => {
        this.gen = outer;
        this.nestWith(
          [...saved].map(([l, s]) => ({ local: l, path: [], value: local(s) })),
          k,
        );
        this.gen = inner;
      };
      const targets = docs.map((w, i) => ({
        local: w.target.kind === 'input' ? 0 : 1,
        path: w.target.path.map((p) => this.policy.statics.string(p)),
        value: ops[i] ?? FALSE,
      }));
      this.gen = inner;
      this.nestWith(targets, () => this.exprNoWith(x, restore));
      this.gen = outer;
    });
  }

  private nestWith(targets: readonly { local: number; path: number[]; value: Operand }[], k: K): void {
    const [first, ...rest] = targets;
    if (first === undefined) return k();
    const block = this.e.block(() => this.nestWith(rest, k));
    this.e.emit({ type: 'WithStmt', local: first.local, path: first.path, value: first.value, block });
  }
}

function canonKey(t: CTerm): string | null {
  switch (t.type) {
    case 'string':
      return JSON.stringify(t.value);
    case 'number':
      return `n:${t.text}`;
    case 'boolean':
      return String(t.value);
    case 'null':
      return 'null';
    case 'var':
      return `v:${t.name}`;
    default:
      return null;
  }
}

/** Object-pattern entries paired by (scalar) key; null when the key sets differ. */
function matchEntries(
  a: Extract<CTerm, { type: 'object' }>,
  b: Extract<CTerm, { type: 'object' }>,
): [CTerm, CTerm][] | null {
  if (a.entries.length !== b.entries.length) return null;
  const out: [CTerm, CTerm][] = [];
  for (const x of a.entries) {
    const key = canonKey(x.key);
    const y = b.entries.find((e) => key !== null && canonKey(e.key) === key);
    if (y === undefined) return null;
    out.push([x.value, y.value]);
  }
  return out;
}
