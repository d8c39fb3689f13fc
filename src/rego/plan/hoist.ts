/**
 * What OPA evaluates *before* a negated expression, outside its `not`.
 *
 * OPA's compiler rewrites every expression before planning (ast/compile.go):
 * - RewriteExprTerms (`expandExpr`/`expandExprTerm`): every call nested in an expression's
 *   terms (call arguments, ref keys and heads, array/object/set elements) becomes its own
 *   generated expression `call(args…, __localN__)` placed before the expression;
 * - RewriteEquals: in modules (not in queries) a statement `a == b` becomes `a = b`;
 * - RewriteDynamicTerms (`rewriteDynamics`): in a call expression every ref argument (also
 *   inside array/object/set arguments, and the generated calls' own ref arguments) becomes
 *   `__localN__ = ref` before the expression; in unifications and bare-term expressions only
 *   the refs used as keys of a ref (`x[input.k]`) are moved, not the operands themselves.
 * The moved expressions are never negated and carry the expression's `with` modifiers. So
 * `not f(input.missing)` and `not input.x != 1` are undefined when the ref is (the body
 * fails), while `not input.missing`, `not input.x = 1` and (in modules) `not input.x == 1`
 * are true. Comprehensions and template strings are always defined, so moving them (as OPA
 * also does) changes nothing observable and they stay where they are. For expressions that
 * are not negated the order changes nothing either, so only negated ones are rewritten.
 */
import type { CCore, CTerm, CVar } from '../compile/index.js';

export interface Hoisted {
  /** The expression core with each moved term replaced by its var. */
  readonly core: CCore;
  /** Bindings to evaluate first, in order: `v = term`. */
  readonly pre: readonly { readonly v: CVar; readonly term: CTerm }[];
}

export interface HoistOptions {
  /** True in rule bodies (OPA's module compiler turns a statement `a == b` into `a = b`); false in queries. */
  readonly equalsAsUnify: boolean;
  /** A var name unused anywhere in the rule or query. */
  readonly fresh: () => string;
}

class Hoister {
  readonly pre: { v: CVar; term: CTerm }[] = [];

  constructor(private readonly opts: HoistOptions) {}

  private bindNew(term: CTerm): CVar {
    const v: CVar = { type: 'var', name: this.opts.fresh(), loc: term.loc };
    this.pre.push({ v, term });
    return v;
  }

  /** OPA's rewriteDynamicsOne + expandExprTerm: refs and calls move out; collections are walked. */
  one(t: CTerm): CTerm {
    switch (t.type) {
      case 'dataRef':
      case 'inputRef':
        // A bare `input`/`data` is a var in OPA's AST, not a ref: it stays.
        if (t.path.length === 0) return t;
        return this.bindNew({ ...t, path: t.path.map((p) => this.one(p)) });
      case 'ref':
        return this.bindNew({ ...t, head: this.head(t.head), path: t.path.map((p) => this.one(p)) });
      case 'call':
        return this.bindNew({ ...t, args: t.args.map((a) => this.one(a)) });
      case 'array':
        return { ...t, items: t.items.map((i) => this.one(i)) };
      case 'set':
        return { ...t, items: t.items.map((i) => this.one(i)) };
      case 'object':
        return { ...t, entries: t.entries.map((e) => ({ key: this.one(e.key), value: this.one(e.value) })) };
      default:
        return t;
    }
  }

  /** A ref's subject: calls and literal collections are evaluated first (OPA's expandExprRef). */
  private head(h: CTerm): CTerm {
    return h.type === 'var' ? h : this.one(h);
  }

  /** OPA's rewriteDynamicsInTerm: an operand ref stays, only its keys (and a computed head) move. */
  inTerm(t: CTerm): CTerm {
    switch (t.type) {
      case 'dataRef':
      case 'inputRef':
        return { ...t, path: t.path.map((p) => this.one(p)) };
      case 'ref':
        return { ...t, head: this.head(t.head), path: t.path.map((p) => this.one(p)) };
      case 'arrayCompr':
      case 'setCompr':
      case 'objectCompr':
      case 'template':
        return t;
      default:
        return this.one(t);
    }
  }

  core(c: CCore): CCore {
    switch (c.type) {
      case 'call': {
        const [a, b] = c.args;
        const isEquals =
          c.target.kind === 'builtin' && c.target.name === 'equal' && c.args.length === 2 && c.output === null;
        if (isEquals && this.opts.equalsAsUnify && a !== undefined && b !== undefined) {
          return { ...c, args: [this.inTerm(a), this.inTerm(b)] };
        }
        return { ...c, args: c.args.map((x) => this.one(x)), output: c.output === null ? null : this.one(c.output) };
      }
      case 'unify':
        return { ...c, a: this.inTerm(c.a), b: this.inTerm(c.b) };
      case 'term':
        return { ...c, term: this.inTerm(c.term) };
      case 'every':
        return c;
      default: {
        const never: never = c;
        return never;
      }
    }
  }
}

/** The terms of a negated expression's core that OPA evaluates before the `not`. */
export function hoistNegated(core: CCore, opts: HoistOptions): Hoisted {
  const h = new Hoister(opts);
  const out = h.core(core);
  return { core: out, pre: h.pre };
}
