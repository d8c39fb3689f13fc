/** Visits every compiled term (closures and `every` bodies included). */
import type { CBody, CExpr, CTerm } from './types.js';
import { childTerms, exprTerms } from './vars.js';

export function walkTerm(t: CTerm, visit: (t: CTerm) => void): void {
  visit(t);
  switch (t.type) {
    case 'arrayCompr': case 'setCompr':
      walkTerm(t.term, visit);
      walkBody(t.body, visit);
      return;
    case 'objectCompr':
      walkTerm(t.key, visit);
      walkTerm(t.value, visit);
      walkBody(t.body, visit);
      return;
    case 'template':
      for (const p of t.parts) if (p.kind === 'expr') walkBody(p.body, visit);
      return;
    default:
      for (const c of childTerms(t)) walkTerm(c, visit);
  }
}

export function walkExpr(e: CExpr, visit: (t: CTerm) => void): void {
  for (const t of exprTerms(e)) walkTerm(t, visit);
  if (e.core.type === 'every') walkBody(e.core.body, visit);
}

export function walkBody(body: CBody, visit: (t: CTerm) => void): void {
  for (const e of body) walkExpr(e, visit);
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
