/**
 * Compile-time type checking of built-in calls, in the spirit of OPA's type checker
 * (v1/ast/check.go): types flow through each body in its (safety-reordered) order, and every
 * call to a declared built-in, operators included, is checked argument by argument. A
 * mismatch is `rego_type_error` `NAME: invalid argument(s)` with OPA's `have:`/`want:` lines.
 *
 * Contract: sound, not complete. It never rejects a policy OPA accepts: whatever is not
 * inferred (input, data, user function results, `every` vars, ref-bound keys) is `any`, and
 * unknown types are accepted. Only built-in argument types are reported; OPA's unification
 * ("match error") and undefined-ref errors are not.
 */
import type { Problems } from './errors.js';
import type { CBody, CExpr, CQuery, CRule, CTerm, CallTarget, Loc } from './types.js';
import { builtinSignatures, type Signature } from './typecheck-sigs.js';
import { TypeEnv, typeOf, unify1, unify2, type TermHooks } from './typecheck-terms.js';
import { arrayOf, formatType, objectOf, setOf, T_ANY, type Maybe, type RType } from './typecheck-types.js';
import { childTerms, exprVars } from './vars.js';
import { deepTermVars } from './walk.js';

type CallTerm = Extract<CTerm, { type: 'call' }>;
type Closure = Extract<CTerm, { type: 'arrayCompr' | 'setCompr' | 'objectCompr' }>;

interface CallSite {
  readonly target: CallTarget;
  readonly args: readonly CTerm[];
  /** The captured output term, or null. */
  readonly output: CTerm | null;
  /** True for a call used as a value: OPA gives it a fresh, untyped output var. */
  readonly implicitOutput: boolean;
  readonly loc: Loc;
}

class Checker implements TermHooks {
  /** Types of calls and closures, so each is checked (and reported) once. */
  private readonly cache = new Map<CTerm, Maybe>();

  constructor(
    private readonly problems: Problems,
    private readonly sigs: ReadonlyMap<string, Signature>,
  ) {}

  rule(r: CRule): void {
    const env = this.argsEnv(r);
    this.body(env, r.body);
    for (const t of [r.value, ...r.keys, ...(r.element === null ? [] : [r.element])]) this.prepare(env, t);
    for (const clause of r.else) {
      const elseEnv = this.argsEnv(r);
      this.body(elseEnv, clause.body);
      this.prepare(elseEnv, clause.value);
    }
  }

  query(q: CQuery): void {
    this.body(new TypeEnv(null), q.body);
  }

  /** Function parameters are `any` (OPA infers them from use; `any` is never stricter). */
  private argsEnv(r: CRule): TypeEnv {
    const env = new TypeEnv(null);
    for (const a of r.args ?? []) for (const v of deepTermVars(a)) env.set(v, T_ANY);
    return env;
  }

  private body(env: TypeEnv, body: CBody): void {
    for (const e of body) {
      this.expr(env, e);
      // Vars this expression binds in ways not inferred above are `any`.
      for (const v of exprVars(e)) if (env.get(v) === null) env.set(v, T_ANY);
    }
  }

  private expr(env: TypeEnv, e: CExpr): void {
    // A mocked function (`with f as g`) is left unchecked: the replacement decides what runs.
    if (e.with.some((w) => w.target.kind === 'function')) return;
    const c = e.core;
    switch (c.type) {
      case 'unify':
        this.prepare(env, c.a);
        this.prepare(env, c.b);
        unify2({ env, hooks: this }, c.a, c.b);
        return;
      case 'call':
        c.args.forEach((a) => this.prepare(env, a));
        if (c.output !== null) this.prepare(env, c.output);
        this.call(env, { target: c.target, args: c.args, output: c.output, implicitOutput: false, loc: e.loc });
        return;
      case 'term':
        this.prepare(env, c.term);
        return;
      case 'every': {
        this.prepare(env, c.domain);
        const inner = new TypeEnv(env);
        if (c.key !== null) inner.set(c.key.name, T_ANY);
        inner.set(c.value.name, T_ANY);
        this.body(inner, c.body);
        return;
      }
      default: {
        const never: never = c;
        throw new TypeError(`unhandled expression ${JSON.stringify(never)}`);
      }
    }
  }

  /** Checks the closures and nested calls of a term, innermost first (OPA hoists them before the expression). */
  private prepare(env: TypeEnv, t: CTerm): void {
    switch (t.type) {
      case 'arrayCompr':
      case 'setCompr':
      case 'objectCompr':
        this.closureType(t, env);
        return;
      case 'template':
        for (const p of t.parts) if (p.kind === 'expr') this.body(new TypeEnv(env), p.body);
        return;
      case 'call':
        this.callType(t, env);
        return;
      default:
        for (const child of childTerms(t)) this.prepare(env, child);
    }
  }

  callType(t: CallTerm, env: TypeEnv): Maybe {
    if (this.cache.has(t)) return this.cache.get(t) ?? null;
    t.args.forEach((a) => this.prepare(env, a));
    const out = this.call(env, { target: t.target, args: t.args, output: null, implicitOutput: true, loc: t.loc });
    this.cache.set(t, out);
    return out;
  }

  closureType(t: Closure, env: TypeEnv): Maybe {
    if (this.cache.has(t)) return this.cache.get(t) ?? null;
    const before = this.problems.list.length;
    const inner = new TypeEnv(env);
    this.body(inner, t.body);
    const head = t.type === 'objectCompr' ? [t.key, t.value] : [t.term];
    head.forEach((h) => this.prepare(inner, h));
    const out = this.problems.list.length > before ? null : closureResult(t, (x) => typeOf(inner, this, x));
    this.cache.set(t, out);
    return out;
  }

  /** Checks one call against its declaration; returns its result type (null when unknown or rejected). */
  private call(env: TypeEnv, site: CallSite): Maybe {
    const sig = site.target.kind === 'builtin' ? this.sigs.get(site.target.name) : undefined;
    if (sig === undefined) return T_ANY;
    const terms = site.output === null ? site.args : [...site.args, site.output];
    const wants = sig.result === null ? sig.args : [...sig.args, sig.result];
    const u = { env, hooks: this };
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i];
      if (term === undefined) continue;
      if (!unify1(u, term, wants[i] ?? sig.variadic, false)) {
        this.report(env, site, sig, terms);
        return null;
      }
    }
    return sig.result ?? T_ANY;
  }

  private report(env: TypeEnv, site: CallSite, sig: Signature, terms: readonly CTerm[]): void {
    const have = terms.map((t) => formatType(typeOf(env, this, t)));
    if (site.implicitOutput && sig.result !== null) have.push(formatType(null));
    const want = [...sig.args, ...(sig.result === null ? [] : [sig.result])].map(formatType);
    if (sig.variadic !== null) want.push(`${formatType(sig.variadic)}...`);
    const name = site.target.kind === 'builtin' ? site.target.name : `data.${site.target.path.join('.')}`;
    this.problems.add(
      'rego_type_error',
      `${name}: invalid argument(s)\n\thave: (${have.join(', ')})\n\twant: (${want.join(', ')})`,
      site.loc,
    );
  }
}

function closureResult(t: Closure, type: (x: CTerm) => Maybe): Maybe {
  if (t.type === 'objectCompr') {
    const k = type(t.key);
    const v = type(t.value);
    return k === null || v === null ? null : objectOf([], { key: k, value: v });
  }
  const elem: RType | null = type(t.term);
  if (elem === null) return null;
  return t.type === 'arrayCompr' ? arrayOf([], elem) : setOf(elem);
}

export interface TypeCheckOptions {
  readonly rules: readonly CRule[];
  readonly query: CQuery | null;
  readonly problems: Problems;
}

/** Reports `rego_type_error` for built-in calls whose argument types cannot match the declaration. */
export function checkTypes(options: TypeCheckOptions): void {
  const checker = new Checker(options.problems, builtinSignatures());
  for (const r of options.rules) checker.rule(r);
  if (options.query !== null) checker.query(options.query);
}
