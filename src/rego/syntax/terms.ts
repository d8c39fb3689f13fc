import type { Term } from './ast.js';
import { callTerm, memberRef, opRef, valueName } from './build.js';
import { parseArray, parseSetOrObject, parseTermList } from './collections.js';
import type { Parser } from './parser-core.js';
import { parseTemplate } from './template.js';
import { binaryOp, IN_PREC, Tk } from './tokens.js';

/**
 * Terms and operators (OPA's parseTerm, parseTermInfixCall and friends). Binary operators use
 * precedence climbing (one frame per precedence step, iterative for left-associative chains),
 * so only real nesting — brackets, parentheses, bodies — consumes stack, and that is capped.
 */

const ROOT_DOCUMENTS: ReadonlySet<string> = new Set(['data', 'input']);
const LOWEST_BINARY = IN_PREC + 1;

/** OPA's parseTermInfixCall (`keyVal`) / parseTermInfixCallInList (`!keyVal`). */
export function parseTermIn(p: Parser, keyVal: boolean): Term | null {
  let lhs = parseBinary(p, LOWEST_BINARY);
  if (lhs === null) return null;
  if (keyVal && p.kind() === Tk.Comma) {
    const member3 = parseKeyValIn(p, lhs);
    if (member3 === undefined) return null;
    lhs = member3 ?? lhs;
  }
  while (p.atKw('in')) {
    const op = p.tok;
    p.next();
    const rhs = parseBinary(p, LOWEST_BINARY);
    if (rhs === null) return null;
    lhs = callTerm(memberRef('member_2', p.loc(op)), [lhs, rhs], lhs.loc);
  }
  return lhs;
}

/** `k, v in xs` after `k`: the member_3 call, null if this is no such form, undefined on error. */
function parseKeyValIn(p: Parser, key: Term): Term | null | undefined {
  const m = p.mark();
  p.next();
  const value = parseBinary(p, LOWEST_BINARY);
  if (value === null || !p.atKw('in')) {
    p.restore(m);
    return null;
  }
  const op = p.tok;
  p.next();
  const domain = parseBinary(p, LOWEST_BINARY);
  if (domain === null) return undefined;
  return callTerm(memberRef('member_3', p.loc(op)), [key, value, domain], key.loc);
}

function parseBinary(p: Parser, minPrec: number): Term | null {
  let lhs = parseTerm(p);
  while (lhs !== null) {
    const op = binaryOp(p.kind());
    if (op === undefined || op.prec < minPrec) return lhs;
    const at = p.tok;
    p.next();
    const rhs = parseBinary(p, op.prec + 1);
    if (rhs === null) return null;
    lhs = callTerm(opRef(op.name, p.loc(at)), [lhs, rhs], lhs.loc);
  }
  return null;
}

/** One operand: a scalar, composite, comprehension, parenthesised term, var, ref or call. */
export function parseTerm(p: Parser): Term | null {
  const start = p.pos;
  const hit = p.memoLookup(start);
  if (hit !== undefined) return hit;
  if (!p.enter()) return null;
  const before = p.errors.length;
  const term = parseTermFinish(p, parseTermStart(p));
  p.leave();
  p.memoStore(start, term, before);
  return term;
}

function parseTermStart(p: Parser): Term | null {
  const t = p.tok;
  switch (t.kind) {
    case Tk.Word:
      return parseWordTerm(p);
    case Tk.Number:
    case Tk.Minus:
    case Tk.Dot:
      return parseNumber(p);
    case Tk.String:
      p.next();
      return { type: 'string', value: t.text, loc: p.loc(t) };
    case Tk.Template:
      return parseTemplate(p);
    case Tk.LBrack:
      return parseArray(p);
    case Tk.LBrace:
      return parseSetOrObject(p);
    case Tk.LParen:
      return parseParen(p);
    default:
      p.unexpected();
      return null;
  }
}

function parseWordTerm(p: Parser): Term | null {
  const t = p.tok;
  const kw = p.refStart() ? null : p.keyword(t);
  const loc = p.loc(t);
  if (kw === 'null' || kw === 'true' || kw === 'false') {
    p.next();
    return kw === 'null' ? { type: 'null', loc } : { type: 'boolean', value: kw === 'true', loc };
  }
  // `contains` is only a keyword in rule heads; elsewhere it is the built-in's name.
  if (kw !== null && kw !== 'contains' && !p.refStart()) {
    p.unexpected();
    return null;
  }
  p.next();
  return { type: 'var', name: t.text, loc };
}

/** Refs continue only when `.`, `[` or `(` follows with no whitespace (OPA's scanWS). */
function parseTermFinish(p: Parser, term: Term | null): Term | null {
  if (term === null) return null;
  const t = p.tok;
  if (!t.ws && (t.kind === Tk.Dot || t.kind === Tk.LBrack || t.kind === Tk.LParen)) return parseRef(p, term);
  if (term.type === 'var' && ROOT_DOCUMENTS.has(term.name)) return { type: 'ref', head: term, path: [], loc: term.loc };
  return term;
}

const REF_HEADS: ReadonlySet<Term['type']> = new Set<Term['type']>([
  'var',
  'array',
  'object',
  'set',
  'arrayComprehension',
  'setComprehension',
  'objectComprehension',
  'call',
]);

/** One `.key` or `[term]` step of a ref, starting at its `.` or `[` token; null after an error. */
export function parseRefKey(p: Parser): Term | null {
  const dot = p.tok.kind === Tk.Dot;
  p.next();
  if (dot) {
    const key = p.tok;
    if (key.kind !== Tk.Word || key.ws) {
      p.unexpected('expected identifier');
      return null;
    }
    p.next();
    return { type: 'string', value: key.text, loc: p.loc(key) };
  }
  const key = parseTermIn(p, true);
  if (key === null) return null;
  if (p.kind() !== Tk.RBrack) {
    p.unexpected('expected ]');
    return null;
  }
  p.next();
  return key;
}

function parseRef(p: Parser, head: Term): Term | null {
  if (!REF_HEADS.has(head.type)) p.error(head.loc, `illegal ref (head cannot be ${valueName(head)})`);
  let cur = head;
  let path: Term[] = [];
  while (!p.tok.ws) {
    const t = p.tok;
    if (t.kind === Tk.Dot || t.kind === Tk.LBrack) {
      const key = parseRefKey(p);
      if (key === null) return null;
      path.push(key);
    } else if (t.kind === Tk.LParen) {
      const call = parseCall(p, cur, path);
      if (call === null) return null;
      cur = call;
      path = [];
      if (p.kind() === Tk.LParen) break;
    } else {
      break;
    }
  }
  return path.length === 0 ? cur : { type: 'ref', head: cur, path, loc: head.loc };
}

function parseCall(p: Parser, head: Term, path: readonly Term[]): Term | null {
  p.next();
  const args = parseTermList(p, Tk.RParen, []);
  if (args === null) return null;
  if (head.type === 'var' && head.name === 'set' && path.length === 0 && args.length === 0) {
    return { type: 'set', items: [], loc: head.loc };
  }
  return callTerm({ type: 'ref', head, path, loc: head.loc }, args, head.loc);
}

const NUMBER_TEXT = /^-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$/;
/** OPA rejects numbers whose binary exponent exceeds ±1e5 ("number too big"). */
const MAX_BINARY_EXPONENT = 1e5;
const LOG2_10 = Math.log2(10);

function parseNumber(p: Parser): Term | null {
  const first = p.tok;
  let prefix = '';
  if (first.kind === Tk.Minus) {
    prefix = '-';
    p.next();
    if (p.kind() !== Tk.Number && p.kind() !== Tk.Dot) {
      p.unexpected('expected number');
      return null;
    }
  }
  if (p.kind() === Tk.Dot) {
    prefix += '.';
    p.next();
    if (p.kind() !== Tk.Number) {
      p.unexpected('expected number');
      return null;
    }
  }
  const lit = p.tok.text;
  if (!prefix.endsWith('.') && hasLeadingZero(lit)) {
    p.unexpected('expected number without leading zero');
    return null;
  }
  const text = prefix + lit;
  if (!NUMBER_TEXT.test(text)) {
    p.unexpected('invalid float');
    return null;
  }
  if (Math.abs(decimalExponent(text) * LOG2_10) > MAX_BINARY_EXPONENT) {
    p.error(p.loc(p.tok), 'number too big');
    return null;
  }
  p.next();
  return { type: 'number', text, loc: p.loc(first) };
}

function hasLeadingZero(lit: string): boolean {
  if (lit.length < 2 || !lit.startsWith('0') || lit[1] === '.') return false;
  return !(lit.length > 2 && (lit[1] === 'e' || lit[1] === 'E'));
}

/** Power of ten of the leading significant digit (0 for zero). */
function decimalExponent(text: string): number {
  const m = /^-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return 0;
  const int = m[1] ?? '';
  const digits = int + (m[2] ?? '');
  const first = digits.search(/[1-9]/);
  if (first < 0) return 0;
  return int.length - first - 1 + Number(m[3] ?? '0');
}

function parseParen(p: Parser): Term | null {
  p.next();
  const inner = parseTermIn(p, true);
  if (inner === null) return null;
  if (p.kind() !== Tk.RParen) {
    p.error(p.loc(p.tok), 'non-terminated expression');
    return null;
  }
  p.next();
  return inner;
}
