import type { Body, Expr, Loc, Term, VarTerm, WithModifier } from './ast.js';
import { callTerm, memberArity, opRef } from './build.js';
import type { Parser } from './parser-core.js';
import { parseTerm, parseTermIn } from './terms.js';
import { Tk, tokenName } from './tokens.js';

/**
 * Expressions ("literals" in OPA) and bodies. A body is one or more expressions separated by `;`
 * or newlines and closed by `end`, which is consumed.
 */
export function parseBody(p: Parser, end: Tk): Body | null {
  if (!p.enter()) return null;
  const body = parseBodyInner(p, end);
  p.leave();
  return body;
}

function parseBodyInner(p: Parser, end: Tk): Body | null {
  if (p.kind() === end) {
    p.error(p.loc(p.tok), 'found empty body');
    return null;
  }
  const exprs: Expr[] = [];
  for (;;) {
    const expr = parseLiteral(p);
    if (expr === null) return null;
    exprs.push(expr);
    if (p.kind() === Tk.Semicolon) {
      p.next();
      continue;
    }
    if (p.kind() === end) {
      p.next();
      return exprs;
    }
    if (!p.tok.nl) {
      p.unexpected(`expected \\n or ; or ${tokenName(end)}`);
      return null;
    }
  }
}

/** One expression: `[not] term [= term] [with …]`, `some …` or `every …`. */
export function parseLiteral(p: Parser): Expr | null {
  const first = p.tok;
  const loc = p.loc(first);
  if (p.keyword(first) !== null && p.refStart()) return parseTermExpr(p, false, loc);
  let negated = false;
  if (p.isKw(first, 'not')) {
    p.next();
    negated = true;
  }
  const kw = p.keyword(p.tok);
  if (kw === 'some' || kw === 'every') {
    if (negated) {
      p.unexpected(`illegal negation of '${kw}'`);
      return null;
    }
    return kw === 'some' ? parseSome(p, loc) : parseEvery(p, loc);
  }
  return parseTermExpr(p, negated, loc);
}

function parseTermExpr(p: Parser, negated: boolean, loc: Loc): Expr | null {
  const lhs = parseTermIn(p, true);
  if (lhs === null) return null;
  let term = lhs;
  const op = p.tok;
  if (op.kind === Tk.Assign || op.kind === Tk.Unify) {
    p.next();
    const rhs = parseTermIn(p, true);
    if (rhs === null) return null;
    term = callTerm(opRef(op.kind === Tk.Assign ? 'assign' : 'eq', p.loc(op)), [lhs, rhs], lhs.loc);
  }
  const withs = parseWiths(p);
  return withs === null ? null : { type: 'termExpr', negated, term, with: withs, loc };
}

/** Zero or more `with target as value` modifiers. */
export function parseWiths(p: Parser): WithModifier[] | null {
  const withs: WithModifier[] = [];
  while (p.atKw('with')) {
    const at = p.tok;
    p.next();
    if (p.kind() !== Tk.Word) {
      p.unexpected('expected ident');
      return null;
    }
    const target = parseTerm(p);
    if (target === null) return null;
    if (target.type !== 'ref' && target.type !== 'var') {
      p.error(target.loc, `unexpected ${target.type} token: expected with target path`);
      return null;
    }
    if (!p.atKw('as')) {
      p.unexpected('expected as keyword');
      return null;
    }
    p.next();
    const value = parseTermIn(p, true);
    if (value === null) return null;
    withs.push({ type: 'with', target, value, loc: p.loc(at) });
  }
  return withs;
}

/** `some x, y` or `some [k,] v in xs` (the latter read as an `in` call, like OPA). */
function parseSome(p: Parser, loc: Loc): Expr | null {
  const m = p.mark();
  p.next();
  const term = parseTermIn(p, true);
  if (term !== null && term.type === 'call') {
    const arity = memberArity(term);
    if (arity === null) {
      p.unexpected('expected `x in xs` or `x, y in xs` expression');
      return null;
    }
    const [a, b, c] = term.args;
    if (a === undefined || b === undefined || term.args.length !== arity) {
      p.unexpected('illegal domain');
      return null;
    }
    const withs = parseWiths(p);
    if (withs === null) return null;
    if (c === undefined) return { type: 'someIn', key: null, value: a, domain: b, with: withs, loc };
    return { type: 'someIn', key: a, value: b, domain: c, with: withs, loc };
  }
  p.restore(m);
  return parseSomeVars(p, loc);
}

function parseSomeVars(p: Parser, loc: Loc): Expr | null {
  const vars: VarTerm[] = [];
  do {
    p.next();
    const t = p.tok;
    if (t.kind !== Tk.Word || p.keyword(t) !== null) {
      p.unexpected('expected var');
      return null;
    }
    vars.push({ type: 'var', name: t.text, loc: p.loc(t) });
    p.next();
  } while (p.kind() === Tk.Comma);
  return { type: 'someDecl', vars, with: [], loc };
}

/** `every [k,] v in domain { body }`. */
function parseEvery(p: Parser, loc: Loc): Expr | null {
  p.next();
  const term = parseTermIn(p, true);
  if (term === null) return null;
  const parts = everyParts(p, term);
  if (parts === null) return null;
  if (p.kind() !== Tk.LBrace) {
    p.unexpected('missing body');
    return null;
  }
  p.next();
  const body = parseBody(p, Tk.RBrace);
  if (body === null) return null;
  const withs = parseWiths(p);
  if (withs === null) return null;
  return { type: 'every', ...parts, body, with: withs, loc };
}

interface EveryParts {
  readonly key: VarTerm | null;
  readonly value: VarTerm;
  readonly domain: Term;
}

function everyParts(p: Parser, term: Term): EveryParts | null {
  const shape = 'expected `x[, y] in xs { ... }` expression';
  const arity = term.type === 'call' ? memberArity(term) : null;
  if (term.type !== 'call' || arity === null) {
    p.unexpected(shape);
    return null;
  }
  const args = term.args;
  if (args.length !== arity) {
    p.unexpected('illegal domain');
    return null;
  }
  const [k, v, d] = arity === 3 ? [args[0], args[1], args[2]] : [null, args[0], args[1]];
  if (k !== null && k?.type !== 'var') {
    p.unexpected('expected key to be a variable');
    return null;
  }
  if (v?.type !== 'var') {
    p.unexpected('expected value to be a variable');
    return null;
  }
  if (d === undefined) {
    p.unexpected(shape);
    return null;
  }
  return { key: k ?? null, value: v, domain: d };
}
