/**
 * Safety analysis with OPA's body reordering: an expression runs once every var it needs
 * is bound by an earlier one; bodies are reordered (stable, pass by pass, as OPA does) and
 * vars that never become safe are reported as `rego_unsafe_var_error: var x is unsafe`.
 */
import type { Loc } from '../syntax/index.js';
import type { Problems } from './errors.js';
import type { CBody, CExpr, CTerm } from './types.js';
import { childTerms, closuresOf, exprTerms, exprVars, isClosure, termVars } from './vars.js';
import { deepBodyVars, deepTermVars } from './walk.js';

export interface SafetyContext {
  readonly problems: Problems;
  readonly display: ReadonlyMap<string, string>;
}

const subset = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
  for (const x of a) if (!b.has(x)) return false;
  return true;
};

/** Vars a ref iteration or a call output can bind, given the safe set. */
function refOutputs(t: CTerm, safe: ReadonlySet<string>, out: Set<string>): void {
  switch (t.type) {
    case 'dataRef':
    case 'inputRef':
      for (const p of t.path) pathOutputs(p, safe, out);
      return;
    case 'ref':
      refOutputs(t.head, safe, out);
      if (subset(termVars(t.head), safe)) for (const p of t.path) pathOutputs(p, safe, out);
      else for (const p of t.path) refOutputs(p, safe, out);
      return;
    default:
      if (!isClosure(t)) for (const c of childTerms(t)) refOutputs(c, safe, out);
  }
}

function pathOutputs(p: CTerm, safe: ReadonlySet<string>, out: Set<string>): void {
  if (p.type === 'var') out.add(p.name);
  else if (p.type === 'array' || p.type === 'object') for (const v of patternVars(p)) out.add(v);
  else refOutputs(p, safe, out);
}

/** Vars in unifiable positions of a term (not inside refs, calls or closures). */
export function patternVars(t: CTerm, out = new Set<string>()): Set<string> {
  if (t.type === 'var') out.add(t.name);
  else if (t.type === 'array') t.items.forEach((i) => patternVars(i, out));
  else if (t.type === 'object') t.entries.forEach((e) => patternVars(e.value, out));
  return out;
}

function unifyOutputs(a: CTerm, b: CTerm, safe: Set<string>): void {
  if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
    a.items.forEach((x, i) => {
      const y = b.items[i];
      if (y !== undefined) unifyOutputs(x, y, safe);
    });
    return;
  }
  if (a.type === 'object' && b.type === 'object' && a.entries.length === b.entries.length) {
    a.entries.forEach((x, i) => {
      const y = b.entries[i];
      if (y !== undefined) unifyOutputs(x.value, y.value, safe);
    });
    return;
  }
  if (subset(termVars(b), safe)) for (const v of patternVars(a)) safe.add(v);
  if (subset(termVars(a), safe)) for (const v of patternVars(b)) safe.add(v);
}

/** Vars that become bound by running `e` (positive expressions only). */
export function exprOutputs(e: CExpr, safe: ReadonlySet<string>): Set<string> {
  const now = new Set(safe);
  const c = e.core;
  for (let changed = true; changed;) {
    const before = now.size;
    switch (c.type) {
      case 'unify':
        refOutputs(c.a, now, now);
        refOutputs(c.b, now, now);
        unifyOutputs(c.a, c.b, now);
        break;
      case 'call': {
        for (const a of c.args) refOutputs(a, now, now);
        if (c.output !== null) {
          refOutputs(c.output, now, now);
          const inputs = new Set<string>();
          c.args.forEach((a) => termVars(a, inputs));
          if (subset(inputs, now)) termVars(c.output, now);
        }
        break;
      }
      case 'term':
        refOutputs(c.term, now, now);
        break;
      case 'every':
        break;
      default:
        break;
    }
    changed = now.size !== before;
  }
  for (const s of safe) now.delete(s);
  return now;
}

/** Vars of closures inside `e` that refer to the enclosing universe. */
function closureFree(e: CExpr, universe: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const add = (vars: Set<string>): void => {
    for (const v of vars) if (universe.has(v)) out.add(v);
  };
  for (const t of exprTerms(e)) for (const cl of closuresOf(t)) add(deepTermVars(cl));
  if (e.core.type === 'every') add(deepBodyVars(e.core.body));
  return out;
}

/** Vars `e` still needs given `safe`; empty when it can run now. */
function needs(e: CExpr, safe: ReadonlySet<string>, universe: ReadonlySet<string>): Set<string> {
  const all = exprVars(e);
  for (const v of closureFree(e, universe)) all.add(v);
  if (e.core.type === 'every') {
    const own = new Set<string>([e.core.value.name, ...(e.core.key === null ? [] : [e.core.key.name])]);
    for (const v of own) all.delete(v);
  }
  const out = e.negated || e.core.type === 'every' ? new Set<string>() : exprOutputs(e, safe);
  if (e.negated) {
    // Wildcards inside `not` are local to the negated expression (existential).
    for (const v of exprOutputs({ ...e, negated: false }, safe)) if (v.startsWith('$')) out.add(v);
  }
  for (const w of e.with) if (w.value.kind === 'term') for (const v of termVars(w.value.term)) out.delete(v);
  const need = new Set<string>();
  for (const v of all) if (!safe.has(v) && !out.has(v)) need.add(v);
  return need;
}

export interface Reordered {
  readonly body: CBody;
  readonly safe: Set<string>;
}

/** Reorders `body` for safety; closures inside are reordered with the vars safe where they run. */
export function reorderBody(
  body: CBody,
  safe0: ReadonlySet<string>,
  universe0: ReadonlySet<string>,
  ctx: SafetyContext,
): Reordered {
  const universe = new Set(universe0);
  for (const e of body) exprVars(e, universe);
  const safe = new Set(safe0);
  const out: CExpr[] = [];
  let remaining = [...body];
  for (let progress = true; progress && remaining.length > 0;) {
    progress = false;
    const next: CExpr[] = [];
    for (const e of remaining) {
      if (needs(e, safe, universe).size > 0) {
        next.push(e);
        continue;
      }
      out.push(reorderClosures(e, safe, universe, ctx));
      const outputs = e.negated ? new Set<string>() : exprOutputs(e, safe);
      for (const v of outputs) safe.add(v);
      progress = true;
    }
    remaining = next;
  }
  for (const e of remaining) {
    const need = needs(e, safe, universe);
    for (const v of [...need].sort()) reportUnsafe(ctx, v, varLoc(e, v) ?? e.loc);
    for (const v of need) safe.add(v);
    out.push(e);
  }
  return { body: out, safe };
}

export function reportUnsafe(ctx: SafetyContext, name: string, loc: Loc): void {
  ctx.problems.add('rego_unsafe_var_error', `var ${ctx.display.get(name) ?? name} is unsafe`, loc);
}

function reorderClosures(
  e: CExpr,
  safe: ReadonlySet<string>,
  universe: ReadonlySet<string>,
  ctx: SafetyContext,
): CExpr {
  const map = (t: CTerm): CTerm => closureTerm(t, safe, universe, ctx);
  const c = e.core;
  const with_ = e.with.map((w) =>
    w.value.kind === 'term' ? { ...w, value: { kind: 'term' as const, term: map(w.value.term) } } : w,
  );
  switch (c.type) {
    case 'unify':
      return { ...e, with: with_, core: { type: 'unify', a: map(c.a), b: map(c.b) } };
    case 'call':
      return {
        ...e,
        with: with_,
        core: { ...c, args: c.args.map(map), output: c.output === null ? null : map(c.output) },
      };
    case 'term':
      return { ...e, with: with_, core: { type: 'term', term: map(c.term) } };
    case 'every': {
      const inner = new Set(safe);
      inner.add(c.value.name);
      if (c.key !== null) inner.add(c.key.name);
      const r = reorderBody(c.body, inner, universe, ctx);
      return { ...e, with: with_, core: { ...c, domain: map(c.domain), body: r.body } };
    }
    default:
      return e;
  }
}

/** Rewrites closures inside `t` with reordered bodies; reports unsafe closure heads. */
export function closureTerm(
  t: CTerm,
  safe: ReadonlySet<string>,
  universe: ReadonlySet<string>,
  ctx: SafetyContext,
): CTerm {
  const map = (x: CTerm): CTerm => closureTerm(x, safe, universe, ctx);
  const headSafe = (head: CTerm, s: ReadonlySet<string>, u: ReadonlySet<string>): CTerm => {
    for (const v of termVars(head)) if (!s.has(v)) reportUnsafe(ctx, v, termVarLoc(head, v) ?? head.loc);
    return closureTerm(head, s, u, ctx);
  };
  switch (t.type) {
    case 'arrayCompr':
    case 'setCompr': {
      const u = new Set(universe);
      const r = reorderBody(t.body, safe, u, ctx);
      return { ...t, body: r.body, term: headSafe(t.term, r.safe, u) };
    }
    case 'objectCompr': {
      const r = reorderBody(t.body, safe, universe, ctx);
      return { ...t, body: r.body, key: headSafe(t.key, r.safe, universe), value: headSafe(t.value, r.safe, universe) };
    }
    case 'template':
      return {
        ...t,
        parts: t.parts.map((p) =>
          p.kind === 'text' ? p : { ...p, body: reorderBody(p.body, safe, universe, ctx).body },
        ),
      };
    case 'dataRef':
      return { ...t, path: t.path.map(map) };
    case 'inputRef':
      return { ...t, path: t.path.map(map) };
    case 'ref':
      return { ...t, head: map(t.head), path: t.path.map(map) };
    case 'array':
      return { ...t, items: t.items.map(map) };
    case 'set':
      return { ...t, items: t.items.map(map) };
    case 'object':
      return { ...t, entries: t.entries.map((x) => ({ key: map(x.key), value: map(x.value) })) };
    case 'call':
      return { ...t, args: t.args.map(map) };
    default:
      return t;
  }
}

export function termVarLoc(t: CTerm, name: string): Loc | undefined {
  if (t.type === 'var') return t.name === name ? t.loc : undefined;
  for (const c of childTerms(t)) {
    const hit = termVarLoc(c, name);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function varLoc(e: CExpr, name: string): Loc | undefined {
  for (const t of exprTerms(e)) {
    const hit = termVarLoc(t, name);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
