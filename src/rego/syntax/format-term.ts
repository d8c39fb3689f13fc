import {
  assertNever,
  type Body,
  type CallTerm,
  type Expr,
  type HeadRef,
  type RefTerm,
  type TemplatePart,
  type Term,
  type WithModifier,
} from './ast.js';
import { memberArity, operatorName } from './build.js';
import { INFIX_PREC, INFIX_SYMBOL, IN_PREC } from './tokens.js';

/**
 * Prints terms and expressions as Rego v1 text that parses back to the same tree. Infix calls are
 * printed with the fewest parentheses that keep the tree, plus the ones OPA's grammar needs:
 * `k, v in xs` is parenthesised except as a whole expression, and `|` calls are parenthesised in
 * collection elements and comprehension heads (where `{a | b}` would read as a comprehension).
 */

/** How an infix call prints: its symbol, precedence and the minimum precedence of each operand. */
interface Infix {
  readonly symbol: string;
  readonly prec: number;
  readonly operandPrec: readonly number[];
}

/** `k, v in xs` never appears unparenthesised inside another term. */
const MEMBER_3_PREC = 0;
const RELATION_PREC = IN_PREC + 1;

export function infixOf(t: Term): Infix | null {
  if (t.type !== 'call') return null;
  const arity = memberArity(t);
  if (arity === 2 && t.args.length === 2) return { symbol: 'in', prec: IN_PREC, operandPrec: [IN_PREC, RELATION_PREC] };
  if (arity === 3 && t.args.length === 3)
    return { symbol: 'in', prec: MEMBER_3_PREC, operandPrec: [RELATION_PREC, RELATION_PREC, RELATION_PREC] };
  const name = t.operator.path.length === 0 && t.operator.head.type === 'var' ? t.operator.head.name : null;
  const prec = name === null ? undefined : INFIX_PREC.get(name);
  const symbol = name === null ? undefined : INFIX_SYMBOL.get(name);
  if (prec === undefined || symbol === undefined || t.args.length !== 2) return null;
  return { symbol, prec, operandPrec: [prec, prec + 1] };
}

function precOf(t: Term): number {
  return infixOf(t)?.prec ?? Number.POSITIVE_INFINITY;
}

/** Prints `t` as an operand that must bind at least as tightly as `minPrec`. */
export function operand(t: Term, minPrec: number): string {
  const text = formatTerm(t);
  return precOf(t) < minPrec ? `(${text})` : text;
}

/** A term in a position that accepts any expression but `k, v in xs` (brackets, values). */
export function topTerm(t: Term): string {
  return operand(t, IN_PREC);
}

/** A collection element or comprehension head: `|` (and, for heads, any infix) in parentheses. */
function element(t: Term): string {
  const infix = infixOf(t);
  return infix !== null && (infix.symbol === '|' || infix.prec === MEMBER_3_PREC)
    ? `(${formatTerm(t)})`
    : formatTerm(t);
}

function compHead(t: Term): string {
  return infixOf(t) === null ? formatTerm(t) : `(${formatTerm(t)})`;
}

export function formatTerm(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return t.value ? 'true' : 'false';
    case 'number':
      return t.text;
    case 'string':
      return JSON.stringify(t.value);
    case 'var':
      return t.name;
    case 'ref':
      return formatRef(t);
    case 'array':
      return `[${sequence(
        t.loc.row,
        t.items.map((i) => ({ row: i.loc.row, text: element(i) })),
      )}]`;
    case 'set':
      return t.items.length === 0
        ? 'set()'
        : `{${sequence(
            t.loc.row,
            t.items.map((i) => ({ row: i.loc.row, text: element(i) })),
          )}}`;
    case 'object':
      return `{${sequence(
        t.loc.row,
        t.entries.map((e) => ({ row: e.key.loc.row, text: `${element(e.key)}: ${element(e.value)}` })),
      )}}`;
    case 'arrayComprehension':
      return `[${compHead(t.term)} | ${formatBody(t.body)}]`;
    case 'setComprehension':
      return `{${compHead(t.term)} | ${formatBody(t.body)}}`;
    case 'objectComprehension':
      return `{${compHead(t.key)}: ${compHead(t.value)} | ${formatBody(t.body)}}`;
    case 'call':
      return formatCall(t);
    case 'templateString':
      return formatTemplate(t.parts);
    default:
      return assertNever(t);
  }
}

/**
 * Where a module is being formatted (formatModule sets it for the duration of one call), a
 * collection whose elements started on more than one source row is printed as OPA's formatter
 * prints it: one line per source row group, each ending in `,`, one tab deeper. Line breaks are
 * written as LINE_BREAK followed by the relative tabs; the module printer turns them into
 * newlines plus the line's indentation. Everywhere else terms print on one line.
 */
export const LINE_BREAK = '\u0000';
let multiline = false;

export function withMultiline<T>(run: () => T): T {
  const before = multiline;
  multiline = true;
  try {
    return run();
  } finally {
    multiline = before;
  }
}

function sequence(openRow: number, items: readonly { readonly row: number; readonly text: string }[]): string {
  const groups: { row: number; texts: string[] }[] = [];
  for (const item of items) {
    const last = groups.at(-1);
    if (last?.row === item.row) last.texts.push(item.text);
    else groups.push({ row: item.row, texts: [item.text] });
  }
  const first = groups[0];
  if (!multiline || first === undefined || (groups.length === 1 && first.row === openRow))
    return items.map((i) => i.text).join(', ');
  const deeper = (text: string) => text.replaceAll(LINE_BREAK, `${LINE_BREAK}\t`);
  return `${groups.map((g) => `${LINE_BREAK}\t${deeper(g.texts.join(', '))},`).join('')}${LINE_BREAK}`;
}

function formatCall(t: CallTerm): string {
  const infix = infixOf(t);
  if (infix === null) return `${formatRef(t.operator)}(${t.args.map(topTerm).join(', ')})`;
  const parts = t.args.map((arg, i) => operand(arg, infix.operandPrec[i] ?? infix.prec));
  const last = parts.pop() ?? '';
  return `${parts.join(', ')} ${infix.symbol} ${last}`;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function refKey(t: Term): string {
  return t.type === 'string' && IDENT.test(t.value) ? `.${t.value}` : `[${topTerm(t)}]`;
}

export function formatRef(r: RefTerm): string {
  const head = r.head.type === 'call' && infixOf(r.head) !== null ? `(${formatTerm(r.head)})` : formatTerm(r.head);
  return head + r.path.map(refKey).join('');
}

/** A rule head path: `a.b[x]`. */
export function formatHeadRef(ref: HeadRef): string {
  const [name, ...keys] = ref;
  return name.name + keys.map(refKey).join('');
}

function formatTemplate(parts: readonly TemplatePart[]): string {
  const text = parts.map((part) => (part.type === 'string' ? templateText(part.value) : `{${formatExpr(part)}}`));
  return `$"${text.join('')}"`;
}

function templateText(value: string): string {
  return JSON.stringify(value).slice(1, -1).replace(/\{/g, '\\{');
}

/** The term of an expression: `=`/`:=` are infix only here; `k, v in xs` needs no parentheses. */
export function exprTerm(t: Term): string {
  const name = t.type === 'call' ? operatorName(t.operator) : null;
  const [lhs, rhs] = t.type === 'call' ? t.args : [];
  if (
    (name === 'eq' || name === 'assign') &&
    lhs !== undefined &&
    rhs !== undefined &&
    t.type === 'call' &&
    t.args.length === 2
  ) {
    return `${topTerm(lhs)} ${name === 'eq' ? '=' : ':='} ${topTerm(rhs)}`;
  }
  return formatTerm(t);
}

export function formatWith(w: readonly WithModifier[]): string {
  return w.map((m) => ` with ${formatTerm(m.target)} as ${topTerm(m.value)}`).join('');
}

/** One expression on one line (nested `every` bodies use `;`). */
export function formatExpr(e: Expr): string {
  return exprHead(e, (body) => `{ ${formatBody(body)} }`);
}

/** An expression whose `every` body is printed by `printBody` (single- or multi-line). */
export function exprHead(e: Expr, printBody: (body: Body) => string): string {
  switch (e.type) {
    case 'termExpr':
      return (e.negated ? 'not ' : '') + exprTerm(e.term) + formatWith(e.with);
    case 'someDecl':
      return `some ${e.vars.map((v) => v.name).join(', ')}`;
    case 'someIn':
      return `some ${inClause(e.key, e.value, e.domain)}${formatWith(e.with)}`;
    case 'every':
      return `every ${inClause(e.key, e.value, e.domain)} ${printBody(e.body)}${formatWith(e.with)}`;
    default:
      return assertNever(e);
  }
}

function inClause(key: Term | null, value: Term, domain: Term): string {
  const k = key === null ? '' : `${operand(key, RELATION_PREC)}, `;
  return `${k}${operand(value, RELATION_PREC)} in ${operand(domain, RELATION_PREC)}`;
}

/** A body on one line, expressions separated by `; `. */
export function formatBody(body: Body): string {
  return body.map(formatExpr).join('; ');
}

/**
 * True when an expression printed first in `p if { … }` would begin `term |`, which OPA reads as
 * a set comprehension `{term | …}`; the formatter then parenthesises the expression's term.
 */
export function startsWithPipe(e: Expr): boolean {
  if (e.type !== 'termExpr' || e.negated) return false;
  let t = e.term;
  const name = t.type === 'call' ? operatorName(t.operator) : null;
  if (t.type === 'call' && (name === 'eq' || name === 'assign') && t.args.length === 2) {
    const lhs = t.args[0];
    if (lhs === undefined || precOf(lhs) < IN_PREC) return false;
    t = lhs;
  }
  for (;;) {
    const infix = infixOf(t);
    if (infix === null || t.type !== 'call') return false;
    const left = t.args[0];
    if (left === undefined) return false;
    const leftInfix = infixOf(left);
    if (leftInfix === null || leftInfix.prec < (infix.operandPrec[0] ?? infix.prec)) return infix.symbol === '|';
    t = left;
  }
}

/** The first expression of an `if {` body when startsWithPipe: its leading term parenthesised. */
export function pipeSafeExpr(e: Expr): string {
  if (e.type !== 'termExpr') return formatExpr(e);
  const t = e.term;
  const name = t.type === 'call' ? operatorName(t.operator) : null;
  const [lhs, rhs] = t.type === 'call' ? t.args : [];
  if ((name === 'eq' || name === 'assign') && lhs !== undefined && rhs !== undefined) {
    return `(${topTerm(lhs)}) ${name === 'eq' ? '=' : ':='} ${topTerm(rhs)}${formatWith(e.with)}`;
  }
  return `(${formatTerm(t)})${formatWith(e.with)}`;
}
