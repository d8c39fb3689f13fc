import { formatExpr, type Body, type Expr, type Loc, type Term } from './syntax/index.js';

/** Prefix of the variables imagegate adds to a query; they never appear in printed bindings. */
export const EXPR_VAR_PREFIX = '__imagegate_expr_';

/** What `opa eval` prints for one expression of a query. */
export interface QueryExpression {
  readonly text: string;
  readonly location: { readonly row: number; readonly col: number };
  /** Set when the expression's value is a term's value; otherwise the value is `true`. */
  readonly variable?: string;
}

/**
 * Rewrites a query so each expression's value can be printed as `opa eval -f json` prints it:
 * an expression that is a bare term (`data.x`, `input.y[0]`) is bound to a fresh variable
 * and must still not be false (as the bare expression had to); every other expression
 * (comparisons, calls, `:=`, `not`, `some`) prints `true` when the query succeeds.
 */
export function instrumentQuery(body: Body): { readonly body: Body; readonly expressions: readonly QueryExpression[] } {
  const out: Expr[] = [];
  const expressions: QueryExpression[] = [];
  body.forEach((expr, i) => {
    const location = { row: expr.loc.row, col: expr.loc.col };
    const text = formatExpr(expr);
    if (expr.type !== 'termExpr' || expr.negated || !isValueTerm(expr.term)) {
      out.push(expr);
      expressions.push({ text, location });
      return;
    }
    const variable = `${EXPR_VAR_PREFIX}${i}`;
    const v: Term = { type: 'var', name: variable, loc: expr.loc };
    out.push({ ...expr, term: call('eq', [v, expr.term], expr.loc) });
    out.push({ type: 'termExpr', negated: false, with: [], loc: expr.loc, term: call('neq', [v, { type: 'boolean', value: false, loc: expr.loc }], expr.loc) });
    expressions.push({ text, location, variable });
  });
  return { body: out, expressions };
}

function isValueTerm(t: Term): boolean {
  switch (t.type) {
    case 'call':
      return false;
    default:
      return true;
  }
}

function call(name: string, args: readonly Term[], loc: Loc): Term {
  return { type: 'call', operator: { type: 'ref', head: { type: 'var', name, loc }, path: [], loc }, args, loc };
}

/** One result row of `opa eval -f json`. */
export interface EvalRow {
  readonly expressions: readonly { readonly value: unknown; readonly text: string; readonly location: { readonly row: number; readonly col: number } }[];
  readonly bindings?: Readonly<Record<string, unknown>>;
}

/** Turns the wasm result set (binding rows) into `opa eval -f json` rows. */
export function evalRows(opts: { readonly rows: readonly unknown[]; readonly expressions: readonly QueryExpression[] }): EvalRow[] {
  return opts.rows.map((row) => {
    const bound = typeof row === 'object' && row !== null && !Array.isArray(row) ? new Map(Object.entries(row)) : new Map<string, unknown>();
    const expressions = opts.expressions.map((e) => ({ value: e.variable === undefined ? true : bound.get(e.variable), text: e.text, location: e.location }));
    const bindings = Object.fromEntries([...bound].filter(([k]) => !k.startsWith(EXPR_VAR_PREFIX)));
    return Object.keys(bindings).length === 0 ? { expressions } : { expressions, bindings };
  });
}
