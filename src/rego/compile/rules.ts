/** Compiles one rule definition: classification, rewriting of head and body, safety. */
import type { Loc, Rule, Term } from '../syntax/index.js';
import type { PackageEnv } from './env.js';
import { Rewriter } from './rewrite.js';
import { closureTerm, reorderBody, reportUnsafe, termVarLoc, type SafetyContext } from './safety.js';
import { Scopes } from './scope.js';
import type { CBody, CExpr, CRule, CRuleKind, CTerm } from './types.js';
import { termVars } from './vars.js';
import { deepBodyVars, deepTermVars } from './walk.js';

interface Shape {
  readonly kind: CRuleKind;
  readonly path: readonly string[];
  readonly keys: readonly Term[];
}

/** The rule's kind and longest all-string path prefix (below data). */
export function ruleShape(rule: Rule, pkg: readonly string[]): Shape {
  const [name, ...rest] = rule.head.ref;
  const path = [...pkg, name.name];
  let i = 0;
  for (; i < rest.length; i++) {
    const t = rest[i];
    if (t?.type !== 'string') break;
    path.push(t.value);
  }
  const keys = rest.slice(i);
  if (rule.kind === 'function') return { kind: 'function', path, keys };
  if (rule.kind === 'multi') return { kind: 'set', path, keys };
  return { kind: keys.length === 0 ? 'complete' : 'object', path, keys };
}

const TRUE = (loc: Loc): CTerm => ({ type: 'boolean', value: true, loc });

export function compileRule(rule: Rule, env: PackageEnv): CRule {
  const problems = env.globals.problems;
  const scopes = new Scopes(problems, env.globals.names);
  const rw = new Rewriter(env, scopes);
  const shape = ruleShape(rule, env.pkg);
  const ctx: SafetyContext = { problems, display: scopes.display };
  const rawArgs =
    rule.head.args === null
      ? null
      : rule.head.args.map((a) => {
          rw.declarePattern(a, false);
          return rw.term(a);
        });
  // Arguments that must be computed (refs, calls, templates) are compared after the body.
  const argChecks: CExpr[] = [];
  const args = rawArgs === null ? null : rawArgs.map((a) => hoistTerm(rw, argChecks, a));
  const argVars = new Set<string>();
  args?.forEach((a) => termVars(a, argVars));
  const body = [...rw.body(rule.body ?? []), ...argChecks];
  const hoist = (t: CTerm): CTerm => hoistTerm(rw, body, t);
  const value = hoist(rule.head.value === null ? TRUE(rule.head.loc) : rw.term(rule.head.value));
  const element = rule.head.key === null ? null : hoist(rw.term(rule.head.key));
  const keys = shape.keys.map((k) => hoist(rw.term(k)));
  const headTerms = [value, ...keys, ...(element === null ? [] : [element])];
  const universe = new Set(argVars);
  headTerms.forEach((t) => termVars(t, universe));
  const checked = checkBodyAndHead(body, headTerms, argVars, universe, ctx);
  const [cValue, ...rest] = checked.head;
  const cKeys = rest.slice(0, keys.length);
  const cElement = element === null ? null : (rest[keys.length] ?? null);
  const elses = rule.else.map((clause) => {
    scopes.push();
    const b = [...rw.body(clause.body ?? [])];
    const v = hoistTerm(rw, b, clause.value === null ? TRUE(clause.loc) : rw.term(clause.value));
    scopes.pop();
    const u = new Set(argVars);
    termVars(v, u);
    const c = checkBodyAndHead(b, [v], argVars, u, ctx);
    return { value: c.head[0] ?? v, body: c.body, loc: clause.loc };
  });
  const used = deepBodyVars(checked.body);
  checked.head.forEach((t) => deepTermVars(t, used));
  elses.forEach((x) => deepBodyVars(x.body, used));
  scopes.checkUnused(used);
  return {
    kind: shape.kind,
    path: shape.path,
    keys: cKeys,
    args,
    element: cElement,
    value: cValue ?? value,
    body: checked.body,
    else: elses,
    isDefault: rule.isDefault,
    loc: rule.loc,
  };
}

/** True when evaluating `t` may iterate or fail (refs, calls), outside closures. */
function needsEvaluation(t: CTerm): boolean {
  switch (t.type) {
    case 'dataRef':
    case 'inputRef':
    case 'ref':
    case 'call':
    case 'template':
      return true;
    case 'array':
    case 'set':
      return t.items.some(needsEvaluation);
    case 'object':
      return t.entries.some((e) => needsEvaluation(e.key) || needsEvaluation(e.value));
    default:
      return false;
  }
}

/** OPA moves head terms that need evaluation into the body: `p := xs[_]` → `p := v if { v = xs[_] }`. */
function hoistTerm(rw: Rewriter, body: CExpr[], t: CTerm): CTerm {
  if (!needsEvaluation(t)) return t;
  const v = rw.freshVar(t.loc);
  body.push({ core: { type: 'unify', a: v, b: t }, negated: false, with: [], loc: t.loc });
  return v;
}

function checkBodyAndHead(
  body: CBody,
  head: readonly CTerm[],
  safe0: ReadonlySet<string>,
  universe: ReadonlySet<string>,
  ctx: SafetyContext,
): { body: CBody; head: CTerm[] } {
  const r = reorderBody(body, safe0, universe, ctx);
  const out = head.map((t) => {
    for (const v of termVars(t)) if (!r.safe.has(v)) reportUnsafe(ctx, v, termVarLoc(t, v) ?? t.loc);
    return closureTerm(t, r.safe, universe, ctx);
  });
  return { body: r.body, head: out };
}
