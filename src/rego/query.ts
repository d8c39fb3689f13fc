import type { Body, Expr, Loc, Module, Term } from './syntax/index.js';
import { walkTerms } from './syntax/index.js';
import { BUILTIN_ARITY, RELATION_BUILTINS } from './compile/index.js';
import { isRecord } from '../guards/index.js';

/** Prefix of the variables imagegate adds to a query; they never appear in printed bindings or errors. */
export const EXPR_VAR_PREFIX = '__imagegate_expr_';

/** What `opa eval` prints for one expression of a query. */
export interface QueryExpression {
  /** The expression's own source text, as written in the query. */
  readonly text: string;
  readonly location: { readonly row: number; readonly col: number };
  /** Set when the expression's value is captured (a term's or a call's value); otherwise it is `true`. */
  readonly variable?: string;
}

/** Built-ins that return nothing (OPA's `types.Void`): a call of them is not captured. */
const VOID_BUILTINS: ReadonlySet<string> = new Set(['print', 'internal.print']);

/**
 * Rewrites a query as OPA's `rewriteQueryToCaptureValue` does, so each expression's value prints
 * as `opa eval -f json` prints it:
 * - a bare term (`data.x`, `input.y[0]`, `"a"`) is captured: `v = term`;
 * - a call whose operator takes exactly the arguments given (`count(x)`, `1 + 1`, `1 == 2`,
 *   `data.p.f(1)`) is captured: `v = call`, so `1 == 2` prints `false` as OPA does;
 * - `=`, `:=`, negations, `some`, `every`, calls with their output argument and calls of void
 *   built-ins print `true`.
 * When the query has more than one expression or iterates (a ref with a variable key,
 * `some … in`, a relation such as `walk`), every captured value must also not be `false`,
 * checked after the last expression (OPA appends those checks); a single non-iterating
 * expression may print `false`.
 * `functionArity` maps `data.pkg.f` to the number of parameters of a user function.
 */
export function instrumentQuery(opts: {
  readonly source: string;
  readonly body: Body;
  readonly functionArity?: ReadonlyMap<string, number>;
}): { readonly body: Body; readonly expressions: readonly QueryExpression[] } {
  const texts = expressionTexts(opts.source, opts.body);
  const check = opts.body.length > 1 || iterates(opts.body);
  const out: Expr[] = [];
  const checks: Expr[] = [];
  const expressions: QueryExpression[] = [];
  opts.body.forEach((expr, i) => {
    const location = { row: expr.loc.row, col: expr.loc.col };
    const text = texts[i] ?? '';
    if (expr.type !== 'termExpr' || expr.negated || !captures(expr.term, opts.functionArity)) {
      out.push(expr);
      expressions.push({ text, location });
      return;
    }
    const variable = `${EXPR_VAR_PREFIX}${i}`;
    const v: Term = { type: 'var', name: variable, loc: expr.loc };
    out.push({ ...expr, term: call('eq', [v, expr.term], expr.loc) });
    if (check)
      checks.push({
        type: 'termExpr',
        negated: false,
        with: [],
        loc: expr.loc,
        term: call('neq', [v, { type: 'boolean', value: false, loc: expr.loc }], expr.loc),
      });
    expressions.push({ text, location, variable });
  });
  return { body: [...out, ...checks], expressions };
}

/** Every user function's full name (`data.pkg.f`) and parameter count. */
export function functionArities(modules: readonly Module[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of modules) {
    const pkg = m.package.path.path.map((s) => s.value);
    for (const rule of m.rules) {
      if (rule.kind !== 'function' || rule.head.args === null) continue;
      const path = rule.head.ref.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : undefined));
      if (path.every((p): p is string => p !== undefined))
        out.set(['data', ...pkg, ...path].join('.'), rule.head.args.length);
    }
  }
  return out;
}

function captures(term: Term, functionArity: ReadonlyMap<string, number> | undefined): boolean {
  if (term.type !== 'call') return true;
  const name = operatorName(term.operator);
  if (name === undefined || name === 'eq' || name === 'assign' || VOID_BUILTINS.has(name)) return false;
  const arity = BUILTIN_ARITY.get(name) ?? functionArity?.get(name);
  return arity === term.args.length;
}

/** `count`, `io.jwt.decode`, `data.p.f`; undefined for a ref with a non-string key. */
function operatorName(ref: Term): string | undefined {
  if (ref.type !== 'ref' || ref.head.type !== 'var') return ref.type === 'var' ? ref.name : undefined;
  const parts = [ref.head.name];
  for (const p of ref.path) {
    if (p.type !== 'string') return undefined;
    parts.push(p.value);
  }
  return parts.join('.');
}

/** OPA's `iteration`: a ref with a variable key, `some … in`, or a relation built-in; comprehensions excluded. */
function iterates(body: Body): boolean {
  return body.some((expr) => expr.type === 'someIn' || termsIterate(expr));
}

function termsIterate(expr: Expr): boolean {
  const seen = { iteration: false };
  walkTerms(expr, (t) => {
    if (seen.iteration) return false;
    if (t.type === 'arrayComprehension' || t.type === 'setComprehension' || t.type === 'objectComprehension')
      return false;
    seen.iteration =
      (t.type === 'ref' && t.path.some((p) => p.type === 'var')) ||
      (t.type === 'call' && RELATION_BUILTINS.has(operatorName(t.operator) ?? ''));
    return !seen.iteration;
  });
  return seen.iteration;
}

function call(name: string, args: readonly Term[], loc: Loc): Term {
  return { type: 'call', operator: { type: 'ref', head: { type: 'var', name, loc }, path: [], loc }, args, loc };
}

/**
 * Each expression's source text: from its start to the start of the next one (or the end),
 * without the separating `;`, whitespace and trailing comments. Rows and columns are 1-based,
 * columns counted in UTF-16 code units like the lexer's.
 */
export function expressionTexts(source: string, body: Body): string[] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const offset = (loc: Loc) => (lineStarts[loc.row - 1] ?? source.length) + loc.col - 1;
  const comments = commentRanges(source);
  return body.map((expr, i) => {
    const start = offset(expr.loc);
    const next = body[i + 1];
    let end = next === undefined ? source.length : offset(next.loc);
    for (;;) {
      while (end > start && /[\s;]/.test(source[end - 1] ?? '')) end--;
      const comment = comments.find(([from, to]) => from >= start && from < end && to >= end);
      if (comment === undefined) break;
      end = comment[0];
    }
    return source.slice(start, end);
  });
}

/** `[start, end)` of every `#` comment outside string literals. */
function commentRanges(source: string): [number, number][] {
  const out: [number, number][] = [];
  let quote: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`') {
      quote = c;
    } else if (c === '#') {
      const eol = source.indexOf('\n', i);
      const end = eol === -1 ? source.length : eol;
      out.push([i, end]);
      i = end;
    }
  }
  return out;
}

/** One result row of `opa eval -f json`. */
export interface EvalRow {
  readonly expressions: readonly {
    readonly value: unknown;
    readonly text: string;
    readonly location: { readonly row: number; readonly col: number };
  }[];
  readonly bindings?: Readonly<Record<string, unknown>>;
}

/** Turns the wasm result set (binding rows) into `opa eval -f json` rows. */
export function evalRows(opts: {
  readonly rows: readonly unknown[];
  readonly expressions: readonly QueryExpression[];
}): EvalRow[] {
  return opts.rows.map((row) => {
    const bound = isRecord(row) ? new Map(Object.entries(row)) : new Map<string, unknown>();
    const expressions = opts.expressions.map((e) => ({
      value: e.variable === undefined ? true : bound.get(e.variable),
      text: e.text,
      location: e.location,
    }));
    const bindings = Object.fromEntries([...bound].filter(([k]) => !k.startsWith(EXPR_VAR_PREFIX)));
    return Object.keys(bindings).length === 0 ? { expressions } : { expressions, bindings };
  });
}
