import type { Term, TemplatePart, TermExpr } from './ast.js';
import { parseLiteral } from './exprs.js';
import type { Parser } from './parser-core.js';
import { Tk } from './tokens.js';

/** `$"…{expr}…"`: alternating literal parts and expressions (OPA ≥ 1.12). */
export function parseTemplate(p: Parser): Term | null {
  const loc = p.loc(p.tok);
  const parts: TemplatePart[] = [];
  for (;;) {
    const t = p.tok;
    if (t.kind !== Tk.Template) {
      p.unexpected('expected template-string part');
      return null;
    }
    if (t.text !== '') parts.push({ type: 'string', value: t.text, loc: p.loc(t) });
    p.next();
    if (t.tplEnd) return { type: 'templateString', parts, loc };
    const expr = parseTemplateExpr(p);
    if (expr === null) return null;
    parts.push(expr);
    if (p.kind() !== Tk.RBrace) {
      p.error(p.loc(p.tok), 'expected } to end template string expression');
      return null;
    }
    p.next();
  }
}

function parseTemplateExpr(p: Parser): TermExpr | null {
  const expr = parseLiteral(p);
  if (expr === null) {
    p.error(p.loc(p.tok), 'invalid template-string expression');
    return null;
  }
  let problem: string | null = null;
  if (expr.type === 'someDecl' || expr.type === 'someIn') problem = "unexpected 'some' in template-string expression";
  else if (expr.type === 'every') problem = "unexpected 'every' in template-string expression";
  else if (expr.negated) problem = "unexpected negation ('not') in template-string expression";
  else if (isInfixAssignment(expr.term, 'eq')) problem = "unexpected unification ('=') in template-string expression";
  else if (isInfixAssignment(expr.term, 'assign'))
    problem = "unexpected assignment (':=') in template-string expression";
  if (problem !== null) {
    p.error(expr.loc, problem);
    return null;
  }
  return expr.type === 'termExpr' ? expr : null;
}

function isInfixAssignment(t: Term, name: 'eq' | 'assign'): boolean {
  return (
    t.type === 'call' &&
    t.args.length === 2 &&
    t.operator.path.length === 0 &&
    t.operator.head.type === 'var' &&
    t.operator.head.name === name
  );
}
