/** Variable collection over compiled terms and expressions. */
import type { CExpr, CTerm } from './types.js';

/** Calls `visit` for every direct sub-term of `t` that is evaluated in the same scope. */
export function childTerms(t: CTerm): readonly CTerm[] {
  switch (t.type) {
    case 'dataRef':
    case 'inputRef':
      return t.path;
    case 'ref':
      return [t.head, ...t.path];
    case 'array':
    case 'set':
      return t.items;
    case 'object':
      return t.entries.flatMap((e) => [e.key, e.value]);
    case 'call':
      return t.args;
    default:
      return [];
  }
}

export function isClosure(t: CTerm): boolean {
  return t.type === 'arrayCompr' || t.type === 'setCompr' || t.type === 'objectCompr' || t.type === 'template';
}

/** Vars of `t` outside closures. */
export function termVars(t: CTerm, out = new Set<string>()): Set<string> {
  if (t.type === 'var') out.add(t.name);
  else for (const c of childTerms(t)) termVars(c, out);
  return out;
}

/** Closures directly inside `t` (not nested in other closures). */
export function closuresOf(t: CTerm, out: CTerm[] = []): CTerm[] {
  if (isClosure(t)) out.push(t);
  else for (const c of childTerms(t)) closuresOf(c, out);
  return out;
}

/** The terms of an expression evaluated in its own scope (not `every` bodies). */
export function exprTerms(e: CExpr): CTerm[] {
  const withTerms = e.with.flatMap((w) => (w.value.kind === 'term' ? [w.value.term] : []));
  const c = e.core;
  switch (c.type) {
    case 'unify':
      return [c.a, c.b, ...withTerms];
    case 'call':
      return [...c.args, ...(c.output === null ? [] : [c.output]), ...withTerms];
    case 'term':
      return [c.term, ...withTerms];
    case 'every':
      return [c.domain, ...withTerms];
    default:
      return withTerms;
  }
}

/** Vars of an expression outside closures (every bodies are closures). */
export function exprVars(e: CExpr, out = new Set<string>()): Set<string> {
  for (const t of exprTerms(e)) termVars(t, out);
  return out;
}
