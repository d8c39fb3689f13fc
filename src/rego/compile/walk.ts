/**
 * The one walker over compiled terms: visits every term, closures and `every` bodies included,
 * parents before children. `bound`, when given, also hears the vars a construct binds without
 * a term of their own (a template part's output, `every`'s key and value), in source order.
 */
import type { CBody, CExpr, CTerm, CVar } from './types.js';
import { childTerms, exprTerms } from './vars.js';

type Visit = (t: CTerm) => void;
type Bound = (v: CVar) => void;

export function walkTerm(t: CTerm, visit: Visit, bound?: Bound): void {
  visit(t);
  switch (t.type) {
    case 'arrayCompr':
    case 'setCompr':
      walkTerm(t.term, visit, bound);
      walkBody(t.body, visit, bound);
      return;
    case 'objectCompr':
      walkTerm(t.key, visit, bound);
      walkTerm(t.value, visit, bound);
      walkBody(t.body, visit, bound);
      return;
    case 'template':
      for (const p of t.parts)
        if (p.kind === 'expr') {
          bound?.(p.out);
          walkBody(p.body, visit, bound);
        }
      return;
    default:
      for (const c of childTerms(t)) walkTerm(c, visit, bound);
  }
}

export function walkExpr(e: CExpr, visit: Visit, bound?: Bound): void {
  for (const t of exprTerms(e)) walkTerm(t, visit, bound);
  if (e.core.type === 'every') {
    if (e.core.key !== null) bound?.(e.core.key);
    bound?.(e.core.value);
    walkBody(e.core.body, visit, bound);
  }
}

export function walkBody(body: CBody, visit: Visit, bound?: Bound): void {
  for (const e of body) walkExpr(e, visit, bound);
}

/** Collects into `out` the name of every var the walk meets, bound ones included. */
function varCollector(out: Set<string>): readonly [Visit, Bound] {
  return [
    (t) => {
      if (t.type === 'var') out.add(t.name);
    },
    (v) => {
      out.add(v.name);
    },
  ];
}

/** Every var anywhere inside `t`, closures included. */
export function deepTermVars(t: CTerm, out = new Set<string>()): Set<string> {
  walkTerm(t, ...varCollector(out));
  return out;
}

/** Every var anywhere in `body`, closures and `every` bindings included. */
export function deepBodyVars(body: CBody, out = new Set<string>()): Set<string> {
  walkBody(body, ...varCollector(out));
  return out;
}

/** Visits every expression, including those inside closures and `every` bodies. */
export function walkExprs(body: CBody, visit: (e: CExpr) => void): void {
  const nested = (t: CTerm): void => {
    if (t.type === 'arrayCompr' || t.type === 'setCompr' || t.type === 'objectCompr') walkExprs(t.body, visit);
    else if (t.type === 'template') for (const p of t.parts) if (p.kind === 'expr') walkExprs(p.body, visit);
  };
  for (const e of body) {
    visit(e);
    if (e.core.type === 'every') walkExprs(e.core.body, visit);
    for (const t of exprTerms(e)) walkTerm(t, nested);
  }
}
