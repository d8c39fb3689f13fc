import type { Body, ElseClause, HeadRef, Loc, Rule, RuleHead, RuleKind, Term, VarTerm } from './ast.js';
import { isGround } from './build.js';
import { parseBody, parseLiteral } from './exprs.js';
import { formatHeadRef } from './format-term.js';
import type { Mark, Parser } from './parser-core.js';
import { validateDefaultRule } from './rule-default.js';
import { parseExprStatement } from './rule-from-expr.js';
import { parseRefKey, parseTermIn } from './terms.js';
import { parseTermList } from './collections.js';
import { binaryOp, Tk } from './tokens.js';

/**
 * What the source spelled, needed for the Rego v1 checks after the whole module is read (a
 * later `import rego.v1` changes which checks apply) but not part of the tree.
 */
export interface RuleSyntax {
  readonly rule: Rule;
  readonly hasIf: boolean;
  readonly elseHasIf: readonly boolean[];
  readonly usesContains: boolean;
}

export interface ParsedRules {
  readonly rules: readonly Rule[];
  readonly syntax: readonly RuleSyntax[];
}

interface HeadParts {
  readonly ref: HeadRef;
  readonly args: Term[] | null;
  readonly key: Term | null;
  readonly value: Term | null;
  readonly assign: boolean;
  readonly usesContains: boolean;
  readonly loc: Loc;
}

/** True when the current token can start a rule head (OPA: an ident, or a keyword starting a ref). */
export function startsRuleHead(p: Parser): boolean {
  const t = p.tok;
  if (t.kind !== Tk.Word) return false;
  const kw = p.keyword(t);
  return kw === null || kw === 'contains' || p.refStart();
}

/** A `default` rule, a rule with a head, or an expression statement that OPA turns into a rule. */
export function parseRuleStatement(p: Parser): ParsedRules | null {
  const start = p.mark();
  const loc = p.loc(p.tok);
  if (p.atKw('default')) {
    p.next();
    return parseDefaultRule(p, loc);
  }
  if (!startsRuleHead(p)) return parseExprStatement(p);
  const head = parseHead(p, false);
  if (head === null) return null;
  if (head.value === null && head.key === null && continuesExpression(p)) {
    p.restore(start);
    return parseExprStatement(p);
  }
  return parseRuleRest(p, start, loc, head);
}

/** After a bare head, these tokens mean the statement was an expression (`p == 1`, `p with …`). */
function continuesExpression(p: Parser): boolean {
  const t = p.tok;
  return binaryOp(t.kind) !== undefined || t.kind === Tk.Comma || p.atKw('in') || p.atKw('with');
}

function parseDefaultRule(p: Parser, loc: Loc): ParsedRules | null {
  if (!startsRuleHead(p)) {
    p.unexpected();
    return null;
  }
  const head = parseHead(p, true);
  if (head === null) return null;
  const kind: RuleKind = head.args !== null ? 'function' : 'single';
  const rule: Rule = {
    type: 'rule',
    kind,
    isDefault: true,
    head: toHead(head),
    body: null,
    else: [],
    annotations: [],
    loc,
  };
  if (!validateDefaultRule(p, rule, head.key !== null)) return null;
  return { rules: [rule], syntax: [{ rule, hasIf: false, elseHasIf: [], usesContains: head.usesContains }] };
}

function toHead(h: HeadParts): RuleHead {
  return { type: 'head', ref: h.ref, args: h.args, key: h.key, value: h.value, assign: h.assign, loc: h.loc };
}

/** `ref[(args)] [contains key | = value | := value]`. */
function parseHead(p: Parser, isDefault: boolean): HeadParts | null {
  const first = p.tok;
  const loc = p.loc(first);
  const name: VarTerm = { type: 'var', name: first.text, loc };
  p.next();
  const ref: [VarTerm, ...Term[]] = [name];
  const args = parseHeadRef(p, ref);
  if (args === undefined) return null;
  const parts: HeadParts = { ref, args, key: null, value: null, assign: false, usesContains: false, loc };
  const t = p.tok;
  if (p.atKw('contains')) return parseContains(p, parts);
  if (t.kind !== Tk.Assign && t.kind !== Tk.Unify) return parts;
  p.next();
  const valueStart = p.tok;
  const value = parseTermIn(p, true);
  if (value === null) {
    p.hint(valueHint(ref, args, isDefault, t.kind === Tk.Assign), valueStart);
    return null;
  }
  return { ...parts, value, assign: t.kind === Tk.Assign };
}

function parseContains(p: Parser, parts: HeadParts): HeadParts | null {
  const name = formatHeadRef(parts.ref);
  if (parts.args !== null) {
    p.unexpected(
      `the contains keyword can only be used with multi-value rule definitions (e.g., ${name} contains <VALUE> { ... })`,
    );
    return null;
  }
  p.next();
  const keyStart = p.tok;
  const key = parseTermIn(p, true);
  if (key === null) {
    p.hint(`expected rule key term (e.g., ${name} contains <VALUE> { ... })`, keyStart);
    return null;
  }
  return { ...parts, key, usesContains: true };
}

function valueHint(ref: HeadRef, args: Term[] | null, isDefault: boolean, assign: boolean): string {
  const name = formatHeadRef(ref);
  if (!assign) return `expected rule value term (e.g., ${name} = <VALUE> { ... })`;
  if (args !== null) return `expected function value term (e.g., ${name}(...) := <VALUE> { ... })`;
  if (isDefault) return `expected default rule value term (e.g., default ${name} := <VALUE>)`;
  return `expected rule value term (e.g., ${name} := <VALUE> { ... })`;
}

/**
 * The rest of a head ref after its first var: `.key`, `[term]`, then optional `(args)`.
 * Returns the args (null: not a function) or undefined on error.
 */
function parseHeadRef(p: Parser, ref: Term[]): Term[] | null | undefined {
  while (!p.tok.ws) {
    const t = p.tok;
    if (t.kind === Tk.Dot || t.kind === Tk.LBrack) {
      const key = parseRefKey(p);
      if (key === null) return undefined;
      ref.push(key);
    } else if (t.kind === Tk.LParen) {
      p.next();
      return parseTermList(p, Tk.RParen, []) ?? undefined;
    } else {
      break;
    }
  }
  return null;
}

function parseRuleRest(p: Parser, start: Mark, loc: Loc, head: HeadParts): ParsedRules | null {
  const hasIf = p.atKw('if');
  let body: Body | null = null;
  if (hasIf) {
    p.next();
    body = parseIfBody(p);
    if (body === null) return null;
  } else if (p.kind() === Tk.LBrace) {
    p.next();
    body = parseBody(p, Tk.RBrace);
    if (body === null) return null;
  } else {
    return bodylessRule(p, start, loc, head);
  }
  const shaped = shapeBodied(head, hasIf);
  const elses = parseElseChain(p, shaped);
  if (elses === null) return null;
  const rule: Rule = { type: 'rule', ...shaped, isDefault: false, body, else: elses.clauses, annotations: [], loc };
  const syntax: RuleSyntax = { rule, hasIf, elseHasIf: elses.hasIf, usesContains: head.usesContains };
  return parseExtraBodies(p, syntax);
}

/** OPA: `p { }` (v0, no `if`) makes `p[x]` a partial set; `p[x] if { }` is a one-value rule. */
function shapeBodied(h: HeadParts, hasIf: boolean): { kind: RuleKind; head: RuleHead } {
  if (h.usesContains) return { kind: 'multi', head: toHead(h) };
  if (h.args !== null) return { kind: 'function', head: toHead(h) };
  const [name, key] = h.ref;
  if (!hasIf && h.value === null && h.ref.length === 2 && key !== undefined) {
    return { kind: 'multi', head: toHead({ ...h, ref: [name], key }) };
  }
  return { kind: 'single', head: toHead(h) };
}

/** `if` followed by one expression, or by `{ body }` (a lone set literal means a body, as in OPA). */
function parseIfBody(p: Parser): Body | null {
  if (p.kind() !== Tk.LBrace) {
    const expr = parseLiteral(p);
    return expr === null ? null : [expr];
  }
  const m = p.mark();
  const expr = parseLiteral(p);
  if (expr !== null && !(expr.type === 'termExpr' && expr.term.type === 'set')) return [expr];
  p.restore(m);
  p.next();
  return parseBody(p, Tk.RBrace);
}

/** A rule without body: `p := 1`, `p contains x`, `f(x)`, or OPA's `p[x]` partial set. */
function bodylessRule(p: Parser, start: Mark, loc: Loc, head: HeadParts): ParsedRules | null {
  if (p.atKw('with')) {
    p.error(loc, 'expressions using with keyword cannot be used for rule head');
    return null;
  }
  let kind: RuleKind = head.usesContains ? 'multi' : head.args !== null ? 'function' : 'single';
  let parts = head;
  if (head.value === null && head.key === null) {
    const [name, key] = head.ref;
    if (head.args !== null && head.args.length === 0) {
      p.error(loc, 'rule argument list must take at least one argument');
      return null;
    }
    if (head.args === null && key === undefined) {
      p.restore(start);
      return parseExprStatement(p);
    }
    if (head.args === null && head.ref.length === 2 && key !== undefined) {
      kind = 'multi';
      parts = { ...head, ref: [name], key };
    }
  }
  const rule: Rule = {
    type: 'rule',
    kind,
    isDefault: false,
    head: toHead(parts),
    body: null,
    else: [],
    annotations: [],
    loc,
  };
  return { rules: [rule], syntax: [{ rule, hasIf: false, elseHasIf: [], usesContains: head.usesContains }] };
}

interface ElseChain {
  readonly clauses: ElseClause[];
  readonly hasIf: boolean[];
}

function parseElseChain(p: Parser, shaped: { kind: RuleKind; head: RuleHead }): ElseChain | null {
  const chain: ElseChain = { clauses: [], hasIf: [] };
  while (p.atKw('else')) {
    if (chain.clauses.length === 0 && !elseAllowed(p, shaped)) return null;
    const at = p.tok;
    p.next();
    const clause = parseElse(p, p.loc(at));
    if (clause === null) return null;
    chain.clauses.push(clause.clause);
    chain.hasIf.push(clause.hasIf);
    if (clause.clause.body === null) break;
  }
  return chain;
}

function elseAllowed(p: Parser, shaped: { kind: RuleKind; head: RuleHead }): boolean {
  const [, ...keys] = shaped.head.ref;
  if (!keys.every(isGround)) {
    p.error(p.loc(p.tok), 'else keyword cannot be used on rules with variables in head');
    return false;
  }
  if (shaped.kind === 'multi') {
    p.error(p.loc(p.tok), 'else keyword cannot be used on multi-value rules');
    return false;
  }
  return true;
}

function parseElse(p: Parser, loc: Loc): { clause: ElseClause; hasIf: boolean } | null {
  let value: Term | null = null;
  const op = p.tok;
  const assign = op.kind === Tk.Assign;
  if (op.kind === Tk.Assign || op.kind === Tk.Unify) {
    p.next();
    value = parseTermIn(p, true);
    if (value === null) return null;
  } else if (op.kind !== Tk.LBrace && !p.atKw('if')) {
    p.unexpected('expected else value term or rule body');
    return null;
  }
  const hasIf = p.atKw('if');
  if (!hasIf && p.kind() !== Tk.LBrace) return { clause: { type: 'else', value, assign, body: null, loc }, hasIf };
  if (hasIf) p.next();
  const body = parseElseBody(p);
  return body === null ? null : { clause: { type: 'else', value, assign, body, loc }, hasIf };
}

function parseElseBody(p: Parser): Body | null {
  if (p.kind() === Tk.LBrace) {
    p.next();
    return parseBody(p, Tk.RBrace);
  }
  if (p.kind() === Tk.EOF) {
    p.unexpected('rule body expected');
    return null;
  }
  const expr = parseLiteral(p);
  return expr === null ? null : [expr];
}

/** `p { a } { b }`: each further body is another rule with the same head (an OR). */
function parseExtraBodies(p: Parser, first: RuleSyntax): ParsedRules | null {
  const rules: Rule[] = [first.rule];
  const syntax: RuleSyntax[] = [first];
  while (p.kind() === Tk.LBrace) {
    if (first.rule.else.length > 0) {
      p.error(p.loc(p.tok), 'expected else keyword');
      return null;
    }
    const loc = p.loc(p.tok);
    p.next();
    const body = parseBody(p, Tk.RBrace);
    if (body === null) return null;
    const rule: Rule = { ...first.rule, body, loc };
    rules.push(rule);
    syntax.push({ ...first, rule });
  }
  return { rules, syntax };
}
