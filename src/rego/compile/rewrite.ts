/**
 * Rewrites syntax terms and expressions of one rule (or query) into the compiled forms:
 * name resolution, local renaming, wildcards, `some … in`, `every`, call targets, `with`.
 */
import {
  assertNever,
  type Body,
  type CallTerm,
  type Expr,
  type Loc,
  type RefTerm,
  type Term,
  type WithModifier,
} from '../syntax/index.js';
import { BUILTIN_ARITY } from './builtins.js';
import { joinPath, resolveFunction, userFunctionPath, type PackageEnv } from './env.js';
import type { Scopes } from './scope.js';
import type { CBody, CExpr, CTerm, CVar, CWith, CallTarget, WithTarget, WithValue } from './types.js';

export class Rewriter {
  constructor(
    readonly env: PackageEnv,
    readonly scopes: Scopes,
  ) {}

  get problems(): PackageEnv['globals']['problems'] {
    return this.env.globals.problems;
  }

  body(body: Body): CBody {
    const out: CExpr[] = [];
    for (const e of body) {
      const c = this.expr(e);
      if (c !== null) out.push(c);
    }
    return out;
  }

  /** Declares every var of a pattern term (`[a, b] := …`, `some x in …`, function args). */
  declarePattern(t: Term, assign: boolean): void {
    switch (t.type) {
      case 'var':
        if (t.name !== '_') this.scopes.declare(t.name, t.loc, assign);
        return;
      case 'array':
      case 'set':
        t.items.forEach((i) => this.declarePattern(i, assign));
        return;
      case 'object':
        t.entries.forEach((e) => this.declarePattern(e.value, assign));
        return;
      default:
        return;
    }
  }

  expr(e: Expr): CExpr | null {
    switch (e.type) {
      case 'someDecl':
        for (const v of e.vars) this.scopes.declareSome(v.name, v.loc);
        return null;
      case 'someIn':
        return this.someIn(e.key, e.value, e.domain, e.with, e.loc);
      case 'every':
        return this.every(e);
      case 'termExpr':
        return this.termExpr(e.term, e.negated, e.with, e.loc);
      default:
        return assertNever(e);
    }
  }

  private someIn(key: Term | null, value: Term, domain: Term, withs: readonly WithModifier[], loc: Loc): CExpr {
    const dom = this.term(domain);
    const w = this.withs(withs);
    if (key !== null) this.declarePattern(key, false);
    this.declarePattern(value, false);
    const k: CTerm = key === null ? this.freshVar(loc) : this.term(key);
    const v = this.term(value);
    return { core: { type: 'unify', a: extendRef(dom, k, loc), b: v }, negated: false, with: w, loc };
  }

  private every(e: Extract<Expr, { type: 'every' }>): CExpr {
    const domain = this.term(e.domain);
    const w = this.withs(e.with);
    this.scopes.push();
    const key = e.key === null ? null : this.declaredVar(e.key.name, e.key.loc);
    const value = this.declaredVar(e.value.name, e.value.loc);
    const body = this.body(e.body);
    this.scopes.pop();
    return { core: { type: 'every', key, value, domain, body }, negated: false, with: w, loc: e.loc };
  }

  private declaredVar(name: string, loc: Loc): CVar {
    if (name === '_') return this.freshVar(loc);
    return { type: 'var', name: this.scopes.declare(name, loc, false), loc };
  }

  freshVar(loc: Loc): CVar {
    return { type: 'var', name: this.scopes.fresh(), loc };
  }

  private termExpr(term: Term, negated: boolean, withs: readonly WithModifier[], loc: Loc): CExpr | null {
    const w = this.withs(withs);
    if (term.type === 'call') {
      const op = operatorParts(term.operator);
      if (op !== null && op.length === 1 && (op[0] === 'eq' || op[0] === 'assign') && term.args.length === 2) {
        const [a, b] = term.args;
        if (a === undefined || b === undefined) return null;
        if (op[0] === 'assign') {
          if (negated) this.problems.add('rego_compile_error', 'cannot assign vars inside negated expression', loc);
          const rhs = this.term(b);
          this.checkAssignTarget(a);
          this.declarePattern(a, true);
          return { core: { type: 'unify', a: this.term(a), b: rhs }, negated, with: w, loc };
        }
        return { core: { type: 'unify', a: this.term(a), b: this.term(b) }, negated, with: w, loc };
      }
      if (op !== null && op.length === 1 && op[0] === 'print' && !this.isLocal(op))
        return this.print(term, negated, w, loc);
      const call = this.callStatement(term);
      if (call === null) return null;
      return { core: call, negated, with: w, loc };
    }
    return { core: { type: 'term', term: this.term(term) }, negated, with: w, loc };
  }

  private checkAssignTarget(t: Term): void {
    if (t.type === 'var' || t.type === 'array' || t.type === 'object') return;
    if (t.type === 'ref' && t.head.type === 'var' && t.path.length === 0) return;
    this.problems.add('rego_compile_error', `cannot assign to ${t.type}`, t.loc);
  }

  private callStatement(
    term: CallTerm,
  ): { type: 'call'; target: CallTarget; args: readonly CTerm[]; output: CTerm | null } | null {
    const parts = operatorParts(term.operator);
    if (parts === null) {
      this.problems.add('rego_type_error', 'illegal call: the operator must be a function name', term.loc);
      return null;
    }
    if (this.isLocal(parts)) {
      this.problems.add('rego_type_error', `undefined function ${parts.join('.')}`, term.loc);
      return null;
    }
    const resolved = resolveFunction(this.env, parts, term.args.length, term.operator.loc);
    if (resolved === null) return null;
    const args = term.args.map((a) => this.term(a));
    if (args.length > resolved.arity)
      return {
        type: 'call',
        target: resolved.target,
        args: args.slice(0, resolved.arity),
        output: args[resolved.arity] ?? null,
      };
    return { type: 'call', target: resolved.target, args, output: null };
  }

  private isLocal(parts: readonly string[]): boolean {
    const [head] = parts;
    return head !== undefined && this.scopes.lookup(head) !== undefined;
  }

  term(t: Term): CTerm {
    switch (t.type) {
      case 'null':
        return { type: 'null', loc: t.loc };
      case 'boolean':
        return { type: 'boolean', value: t.value, loc: t.loc };
      case 'number':
        return { type: 'number', text: t.text, loc: t.loc };
      case 'string':
        return { type: 'string', value: t.value, loc: t.loc };
      case 'var':
        return this.varTerm(t.name, t.loc);
      case 'ref':
        return this.ref(t);
      case 'array':
        return { type: 'array', items: t.items.map((i) => this.term(i)), loc: t.loc };
      case 'set':
        return { type: 'set', items: t.items.map((i) => this.term(i)), loc: t.loc };
      case 'object':
        return {
          type: 'object',
          entries: t.entries.map((e) => ({ key: this.term(e.key), value: this.term(e.value) })),
          loc: t.loc,
        };
      case 'arrayComprehension':
        return this.scoped(() => {
          const body = this.body(t.body);
          return { type: 'arrayCompr', term: this.term(t.term), body, loc: t.loc };
        });
      case 'setComprehension':
        return this.scoped(() => {
          const body = this.body(t.body);
          return { type: 'setCompr', term: this.term(t.term), body, loc: t.loc };
        });
      case 'objectComprehension':
        return this.scoped(() => {
          const body = this.body(t.body);
          return { type: 'objectCompr', key: this.term(t.key), value: this.term(t.value), body, loc: t.loc };
        });
      case 'call':
        return this.callValue(t);
      case 'templateString':
        return this.template(t.parts, t.loc);
      default:
        return assertNever(t);
    }
  }

  private template(parts: Extract<Term, { type: 'templateString' }>['parts'], loc: Loc): CTerm {
    const out = parts.map((p) => {
      if (p.type === 'string') return { kind: 'text' as const, value: p.value };
      // OPA: the part is `{x | x = term}` and the capture keeps the part's `with` modifiers.
      return this.scoped(() => ({ kind: 'expr' as const, ...this.valueBody(p.term, p.loc, p.with) }));
    });
    return { type: 'template', parts: out, loc };
  }

  /**
   * A body binding a fresh var `out` to each value of `t` (none when `t` is undefined);
   * the caller opens the scope. Template parts and print arguments are evaluated this way.
   */
  private valueBody(
    t: Term,
    loc: Loc,
    withs: readonly WithModifier[] = [],
  ): { readonly body: CBody; readonly out: CVar } {
    const v = this.freshVar(loc);
    const inner = this.termExpr(t, false, withs, loc);
    const body: CExpr[] = [];
    if (inner !== null) {
      body.push(
        inner.core.type === 'term'
          ? { core: { type: 'unify', a: v, b: inner.core.term }, negated: false, with: inner.with, loc }
          : inner.core.type === 'call' && inner.core.output === null
            ? {
                core: {
                  type: 'unify',
                  a: v,
                  b: { type: 'call', target: inner.core.target, args: inner.core.args, loc },
                },
                negated: false,
                with: inner.with,
                loc,
              }
            : inner,
      );
    }
    return { body, out: v };
  }

  /**
   * `print(a, b)`: erased unless print is enabled (as `opa build` without print statements);
   * enabled, OPA's rewrite `internal.print([{x | x = a}, {y | y = b}])`: each argument is
   * the set of its values, so an undefined argument is an empty set (printed `<undefined>`)
   * and the call, which always returns true, never makes the body undefined.
   */
  private print(term: CallTerm, negated: boolean, w: readonly CWith[], loc: Loc): CExpr | null {
    if (!this.env.globals.enablePrint) return null;
    const items = term.args.map((a): CTerm =>
      this.scoped(() => {
        const { body, out } = this.valueBody(a, a.loc);
        return { type: 'setCompr', term: out, body, loc: a.loc };
      }),
    );
    const target: CallTarget = { kind: 'builtin', name: 'internal.print' };
    return {
      core: { type: 'call', target, args: [{ type: 'array', items, loc: term.loc }], output: null },
      negated,
      with: w,
      loc,
    };
  }

  private scoped<T>(fn: () => T): T {
    this.scopes.push();
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  private callValue(t: CallTerm): CTerm {
    const parts = operatorParts(t.operator);
    if (parts === null || this.isLocal(parts)) {
      this.problems.add('rego_type_error', `undefined function ${parts?.join('.') ?? '(expression)'}`, t.loc);
      return { type: 'null', loc: t.loc };
    }
    if (parts.length === 1 && (parts[0] === 'eq' || parts[0] === 'assign')) {
      this.problems.add('rego_type_error', `${parts[0]} may only be used as an expression, not inside a term`, t.loc);
      return { type: 'null', loc: t.loc };
    }
    const resolved = resolveFunction(this.env, parts, t.args.length, t.operator.loc);
    if (resolved === null) return { type: 'null', loc: t.loc };
    if (t.args.length !== resolved.arity) {
      this.problems.add(
        'rego_type_error',
        `${parts.join('.')}: a nested call cannot capture its output\n\thave: ${t.args.length} arguments\n\twant: ${resolved.arity} arguments`,
        t.loc,
      );
    }
    return {
      type: 'call',
      target: resolved.target,
      args: t.args.slice(0, resolved.arity).map((a) => this.term(a)),
      loc: t.loc,
    };
  }

  private varTerm(name: string, loc: Loc): CTerm {
    if (name === '_') return this.freshVar(loc);
    const local = this.scopes.lookup(name);
    if (local !== undefined) return { type: 'var', name: local, loc };
    if (name === 'input') return { type: 'inputRef', path: [], loc };
    if (name === 'data') return { type: 'dataRef', path: [], loc };
    const imp = this.env.imports.get(name);
    if (imp !== undefined) {
      const path = imp.path.map((s): CTerm => ({ type: 'string', value: s, loc }));
      return imp.root === 'data' ? { type: 'dataRef', path, loc } : { type: 'inputRef', path, loc };
    }
    if (this.env.ruleNames.has(name)) {
      return {
        type: 'dataRef',
        path: [...this.env.pkg, name].map((s): CTerm => ({ type: 'string', value: s, loc })),
        loc,
      };
    }
    this.scopes.use(name);
    return { type: 'var', name, loc };
  }

  private ref(t: RefTerm): CTerm {
    const head = t.head.type === 'var' ? this.varTerm(t.head.name, t.head.loc) : this.term(t.head);
    let out = head;
    for (const p of t.path) out = extendRef(out, this.term(p), t.loc);
    return out;
  }

  withs(mods: readonly WithModifier[]): readonly CWith[] {
    const out: CWith[] = [];
    for (const m of mods) {
      const target = this.withTarget(m.target);
      if (target === null) continue;
      out.push({ target, value: this.withValue(target, m.value), loc: m.loc });
    }
    return out;
  }

  private withTarget(t: Term): WithTarget | null {
    const parts = t.type === 'var' ? [t.name] : t.type === 'ref' ? operatorParts(t) : null;
    if (parts === null) {
      this.problems.add(
        'rego_type_error',
        'with keyword target must reference existing input, data, or a function',
        t.loc,
      );
      return null;
    }
    const [head, ...rest] = parts;
    if (head === 'input') return { kind: 'input', path: rest };
    const user = userFunctionPath(this.env, parts);
    if (user !== null && this.env.globals.functions.has(joinPath(user)))
      return { kind: 'function', target: { kind: 'user', path: user } };
    if (head === 'data') return { kind: 'data', path: rest };
    if (BUILTIN_ARITY.has(parts.join('.')))
      return { kind: 'function', target: { kind: 'builtin', name: parts.join('.') } };
    if (user !== null) return { kind: 'data', path: user };
    const imp = head === undefined ? undefined : this.env.imports.get(head);
    if (imp !== undefined) return { kind: imp.root, path: [...imp.path, ...rest] };
    this.problems.add(
      'rego_type_error',
      `with keyword target must reference existing input, data, or a function: ${parts.join('.')}`,
      t.loc,
    );
    return null;
  }

  private withValue(target: WithTarget, v: Term): WithValue {
    if (target.kind === 'function') {
      const parts = v.type === 'var' ? [v.name] : v.type === 'ref' ? operatorParts(v) : null;
      if (parts !== null && !this.isLocal(parts)) {
        const user = userFunctionPath(this.env, parts);
        if (user !== null && this.env.globals.functions.has(joinPath(user)))
          return { kind: 'function', target: { kind: 'user', path: user } };
        const name = parts.join('.');
        if (user === null && BUILTIN_ARITY.has(name) && this.env.imports.get(parts[0] ?? '') === undefined) {
          return { kind: 'function', target: { kind: 'builtin', name } };
        }
      }
    }
    return { kind: 'term', term: this.term(v) };
  }
}

/** `a` extended by one path element (`data.x` + `y` → `data.x.y`). */
export function extendRef(head: CTerm, key: CTerm, loc: Loc): CTerm {
  switch (head.type) {
    case 'dataRef':
      return { type: 'dataRef', path: [...head.path, key], loc: head.loc };
    case 'inputRef':
      return { type: 'inputRef', path: [...head.path, key], loc: head.loc };
    case 'ref':
      return { type: 'ref', head: head.head, path: [...head.path, key], loc: head.loc };
    default:
      return { type: 'ref', head, path: [key], loc };
  }
}

/** `a.b.c` as ["a","b","c"] when the head is a var and every key a string, else null. */
export function operatorParts(r: RefTerm): string[] | null {
  if (r.head.type !== 'var') return null;
  const out = [r.head.name];
  for (const p of r.path) {
    if (p.type !== 'string') return null;
    out.push(p.value);
  }
  return out;
}
