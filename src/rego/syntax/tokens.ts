import type { Loc } from './ast.js';

/** Token kinds produced by the lexer. Words (identifiers and keywords alike) are `Word`. */
export const Tk = {
  EOF: 0,
  Illegal: 1,
  Word: 2,
  Number: 3,
  String: 4,
  Template: 5,
  LBrack: 6,
  RBrack: 7,
  LBrace: 8,
  RBrace: 9,
  LParen: 10,
  RParen: 11,
  Comma: 12,
  Colon: 13,
  Semicolon: 14,
  Dot: 15,
  Assign: 16,
  Unify: 17,
  Equal: 18,
  Neq: 19,
  Lt: 20,
  Lte: 21,
  Gt: 22,
  Gte: 23,
  Plus: 24,
  Minus: 25,
  Mul: 26,
  Quo: 27,
  Rem: 28,
  And: 29,
  Or: 30,
} as const;

export type Tk = (typeof Tk)[keyof typeof Tk];

export interface Token {
  readonly kind: Tk;
  /** Source text (words, numbers) or the decoded value (strings, template parts). */
  readonly text: string;
  /** A newline (possibly inside a comment) separates this token from the previous one. */
  readonly nl: boolean;
  /** Whitespace or a comment separates this token from the previous one. */
  readonly ws: boolean;
  /** Template parts only: the part closes the template string. */
  readonly tplEnd: boolean;
  /** Words only: the text is a keyword in some Rego version (whether active is the parser's call). */
  readonly kw: boolean;
  /** Where the token starts; shared by the nodes that start here. */
  readonly loc: Loc;
}

/** Names used in "unexpected X token" messages, as OPA spells them. */
const NAMES: Readonly<Record<Tk, string>> = {
  [Tk.EOF]: 'eof',
  [Tk.Illegal]: 'illegal',
  [Tk.Word]: 'identifier',
  [Tk.Number]: 'number',
  [Tk.String]: 'string',
  [Tk.Template]: 'template-string-part',
  [Tk.LBrack]: '[',
  [Tk.RBrack]: ']',
  [Tk.LBrace]: '{',
  [Tk.RBrace]: '}',
  [Tk.LParen]: '(',
  [Tk.RParen]: ')',
  [Tk.Comma]: ',',
  [Tk.Colon]: ':',
  [Tk.Semicolon]: ';',
  [Tk.Dot]: '.',
  [Tk.Assign]: 'assign',
  [Tk.Unify]: 'eq',
  [Tk.Equal]: 'equal',
  [Tk.Neq]: 'neq',
  [Tk.Lt]: 'lt',
  [Tk.Lte]: 'lte',
  [Tk.Gt]: 'gt',
  [Tk.Gte]: 'gte',
  [Tk.Plus]: 'plus',
  [Tk.Minus]: 'minus',
  [Tk.Mul]: 'mul',
  [Tk.Quo]: 'div',
  [Tk.Rem]: 'rem',
  [Tk.And]: 'and',
  [Tk.Or]: 'or',
};

export function tokenName(kind: Tk): string {
  return NAMES[kind];
}

/** Keywords of every Rego version. */
export const BASE_KEYWORDS: ReadonlySet<string> = new Set([
  'package',
  'import',
  'as',
  'default',
  'else',
  'not',
  'some',
  'with',
  'null',
  'true',
  'false',
]);

/** Keywords that are always on in v1 and need `import future.keywords…`/`rego.v1` in v0. */
export const FUTURE_KEYWORDS: readonly string[] = ['contains', 'every', 'if', 'in'];

const ANY_KEYWORD: ReadonlySet<string> = new Set([...BASE_KEYWORDS, ...FUTURE_KEYWORDS]);

export function isAnyKeyword(word: string): boolean {
  return ANY_KEYWORD.has(word);
}

/** Binary operators: precedence (higher binds tighter) and OPA's call name. `in` is separate. */
export interface BinaryOp {
  readonly prec: number;
  readonly name: string;
}

export const IN_PREC = 1;

const BINARY: ReadonlyMap<Tk, BinaryOp> = new Map<Tk, BinaryOp>([
  [Tk.Equal, { prec: 2, name: 'equal' }],
  [Tk.Neq, { prec: 2, name: 'neq' }],
  [Tk.Lt, { prec: 2, name: 'lt' }],
  [Tk.Lte, { prec: 2, name: 'lte' }],
  [Tk.Gt, { prec: 2, name: 'gt' }],
  [Tk.Gte, { prec: 2, name: 'gte' }],
  [Tk.Or, { prec: 3, name: 'or' }],
  [Tk.And, { prec: 4, name: 'and' }],
  [Tk.Plus, { prec: 5, name: 'plus' }],
  [Tk.Minus, { prec: 5, name: 'minus' }],
  [Tk.Mul, { prec: 6, name: 'mul' }],
  [Tk.Quo, { prec: 6, name: 'div' }],
  [Tk.Rem, { prec: 6, name: 'rem' }],
]);

export function binaryOp(kind: Tk): BinaryOp | undefined {
  return BINARY.get(kind);
}

/** Infix call names → precedence, for the formatter. */
export const INFIX_PREC: ReadonlyMap<string, number> = new Map([...BINARY.values()].map((op) => [op.name, op.prec]));

/** Infix call names → source spelling, for the formatter. */
export const INFIX_SYMBOL: ReadonlyMap<string, string> = new Map([
  ['equal', '=='],
  ['neq', '!='],
  ['lt', '<'],
  ['lte', '<='],
  ['gt', '>'],
  ['gte', '>='],
  ['or', '|'],
  ['and', '&'],
  ['plus', '+'],
  ['minus', '-'],
  ['mul', '*'],
  ['div', '/'],
  ['rem', '%'],
]);
