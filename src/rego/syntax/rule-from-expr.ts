import type { Expr, Loc, RefTerm, Rule, Term } from './ast.js';
import { operatorName, valueName } from './build.js';
import { parseLiteral } from './exprs.js';
import { formatTerm } from './format-term.js';
import type { Parser } from './parser-core.js';
import type { ParsedRules } from './rules.js';
import { INFIX_PREC, Tk } from './tokens.js';

/**
 * Statements that do not start with a rule head are read as expressions and then interpreted as
 * rules the way OPA's ParseRuleFromExpr does; in practice this yields OPA's messages for
 * misplaced expressions ("var cannot be used for rule name", …).
 */
export function parseExprStatement(p: Parser): ParsedRules | null {
  const exprs: Expr[] = [];
  for (;;) {
    const expr = parseLiteral(p);
    if (expr === null) return null;
    exprs.push(expr);
    if (p.kind() !== Tk.Semicolon) break;
    p.next();
  }
  const [first] = exprs;
  if (first === undefined) return null;
  if (exprs.length !== 1) {
    p.error(first.loc, 'multiple expressions cannot be used for rule head');
    return null;
  }
  const rule = ruleFromExpr(p, first);
  if (rule === null) return null;
  return { rules: [rule], syntax: [{ rule, hasIf: false, elseHasIf: [], usesContains: false }] };
}

const OPERATORS: ReadonlySet<string> = new Set([...INFIX_PREC.keys(), 'internal.member_2', 'internal.member_3']);

function ruleFromExpr(p: Parser, e: Expr): Rule | null {
  const fail = (message: string): null => {
    p.error(e.loc, message);
    return null;
  };
  if (e.with.length > 0) return fail('expressions using with keyword cannot be used for rule head');
  if (e.type === 'someDecl' || e.type === 'someIn') return fail("'some' declarations cannot be used for rule head");
  if (e.type === 'every') return fail('expression cannot be used for rule head');
  if (e.negated) return fail('negated expressions cannot be used for rule head');
  const t = e.term;
  if (t.type === 'ref') return fromRef(t, e.loc, fail);
  if (t.type !== 'call') return fail(`${valueName(t)} cannot be used for rule name`);
  const name = operatorName(t.operator);
  const [lhs, rhs] = t.args;
  if ((name === 'eq' || name === 'assign') && lhs !== undefined && rhs !== undefined && t.args.length === 2) {
    return fromAssignment(lhs, rhs, name === 'assign', e.loc, fail);
  }
  if (name !== null && OPERATORS.has(name)) return fail('rule name conflicts with built-in function');
  if (t.args.length === 0) return fail('rule argument list must take at least one argument');
  return fromOperator(t.operator, t.args, null, false, e.loc, fail);
}

type Fail = (message: string) => null;

function fromRef(ref: RefTerm, loc: Loc, fail: Fail): Rule | null {
  if (ref.head.type !== 'var') return fail(`invalid rule head: ${formatTerm(ref)}`);
  const [key, ...rest] = ref.path;
  if (key === undefined) return fail('refs cannot be used for rule head');
  if (rest.length === 0) return rule('multi', { ref: [ref.head], args: null, key, value: null, assign: false }, loc);
  return rule('single', { ref: [ref.head, ...ref.path], args: null, key: null, value: null, assign: false }, loc);
}

function fromAssignment(lhs: Term, value: Term, assign: boolean, loc: Loc, fail: Fail): Rule | null {
  if (lhs.type === 'call') return fromOperator(lhs.operator, lhs.args, value, assign, loc, fail);
  if (lhs.type === 'var') return rule('single', { ref: [lhs], args: null, key: null, value, assign }, loc);
  if (lhs.type !== 'ref') return fail(`${valueName(lhs)} cannot be used for rule name`);
  if (lhs.head.type !== 'var') return fail(`invalid rule head: ${formatTerm(lhs)}`);
  return rule('single', { ref: [lhs.head, ...lhs.path], args: null, key: null, value, assign }, loc);
}

function fromOperator(
  op: RefTerm,
  args: readonly Term[],
  value: Term | null,
  assign: boolean,
  loc: Loc,
  fail: Fail,
): Rule | null {
  if (op.head.type !== 'var') return fail(`invalid rule head: ${formatTerm(op)}`);
  return rule('function', { ref: [op.head, ...op.path], args, key: null, value, assign }, loc);
}

function rule(kind: Rule['kind'], head: Omit<Rule['head'], 'type' | 'loc'>, loc: Loc): Rule {
  return {
    type: 'rule',
    kind,
    isDefault: false,
    head: { type: 'head', ...head, loc },
    body: null,
    else: [],
    annotations: [],
    loc,
  };
}
