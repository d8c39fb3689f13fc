import { assertNever, type Body, type Expr, type Rule, type Term } from './ast.js';

/** Returns false to skip the term's children; anything else (or nothing) walks on. */
type Visit = (t: Term) => boolean | undefined;

/**
 * Calls `visit` on every term under `node`, parents before children, in source order. Return
 * false from `visit` to skip a term's children. Recursion depth is bounded by the parser's cap.
 */
export function walkTerms(node: Term | Expr | Body | Rule, visit: Visit): void {
  if (isBody(node)) return walkBody(node, visit);
  switch (node.type) {
    case 'rule':
      return walkRule(node, visit);
    case 'termExpr':
    case 'someDecl':
    case 'someIn':
    case 'every':
      return walkExpr(node, visit);
    default:
      return walkTerm(node, visit);
  }
}

function isBody(node: Term | Expr | Body | Rule): node is Body {
  return Array.isArray(node);
}

function walkBody(body: Body, visit: Visit): void {
  for (const e of body) walkExpr(e, visit);
}

function walkAll(terms: readonly Term[], visit: Visit): void {
  for (const t of terms) walkTerm(t, visit);
}

function walkOptional(t: Term | null, visit: Visit): void {
  if (t !== null) walkTerm(t, visit);
}

function walkRule(rule: Rule, visit: Visit): void {
  const h = rule.head;
  walkAll(h.ref, visit);
  if (h.args !== null) walkAll(h.args, visit);
  walkOptional(h.key, visit);
  walkOptional(h.value, visit);
  if (rule.body !== null) walkBody(rule.body, visit);
  for (const clause of rule.else) {
    walkOptional(clause.value, visit);
    if (clause.body !== null) walkBody(clause.body, visit);
  }
}

function walkExpr(e: Expr, visit: Visit): void {
  switch (e.type) {
    case 'termExpr':
      walkTerm(e.term, visit);
      break;
    case 'someDecl':
      walkAll(e.vars, visit);
      break;
    case 'someIn':
      walkOptional(e.key, visit);
      walkTerm(e.value, visit);
      walkTerm(e.domain, visit);
      break;
    case 'every':
      walkOptional(e.key, visit);
      walkTerm(e.value, visit);
      walkTerm(e.domain, visit);
      walkBody(e.body, visit);
      break;
    default:
      assertNever(e);
  }
  for (const w of e.with) {
    walkTerm(w.target, visit);
    walkTerm(w.value, visit);
  }
}

function walkTerm(t: Term, visit: Visit): void {
  if (visit(t) === false) return;
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
    case 'var':
      return;
    case 'ref':
      walkTerm(t.head, visit);
      return walkAll(t.path, visit);
    case 'array':
    case 'set':
      return walkAll(t.items, visit);
    case 'object':
      for (const e of t.entries) {
        walkTerm(e.key, visit);
        walkTerm(e.value, visit);
      }
      return;
    case 'arrayComprehension':
    case 'setComprehension':
      walkTerm(t.term, visit);
      return walkBody(t.body, visit);
    case 'objectComprehension':
      walkTerm(t.key, visit);
      walkTerm(t.value, visit);
      return walkBody(t.body, visit);
    case 'call':
      walkTerm(t.operator, visit);
      return walkAll(t.args, visit);
    case 'templateString':
      for (const part of t.parts) if (part.type === 'termExpr') walkExpr(part, visit);
      return;
    default:
      return assertNever(t);
  }
}
