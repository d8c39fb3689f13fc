import type { Body, Comment, Expr, Module, Term } from './ast.js';
import { RegoParseError, type RegoError } from './errors.js';
import { lex } from './lexer.js';
import { parseModuleStatements } from './module.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ERRORS, Parser, type ParseOptions } from './parser-core.js';
import { parseLiteral } from './exprs.js';
import { Tk } from './tokens.js';

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly RegoError[] };

/** Parses a Rego module. Errors come back as a list (use `parseModule` to get a thrown error). */
export function parseModuleResult(source: string, options: ParseOptions = {}): ParseResult<Module> {
  return run(source, options, (p, comments) => parseModuleStatements(p, comments));
}

/** Parses a Rego module or throws RegoParseError (IMAGEGATE_REGO_PARSE) listing every error. */
export function parseModule(source: string, options: ParseOptions = {}): Module {
  return unwrap(parseModuleResult(source, options));
}

/** Parses a query: expressions separated by `;` or newlines (OPA's ParseBody). */
export function parseQueryResult(source: string, options: ParseOptions = {}): ParseResult<Body> {
  return run(source, options, (p) => parseQueryBody(p));
}

export function parseQuery(source: string, options: ParseOptions = {}): Body {
  return unwrap(parseQueryResult(source, options));
}

/** Parses exactly one term, e.g. a conformance case's `input_term`. */
export function parseTermResult(source: string, options: ParseOptions = {}): ParseResult<Term> {
  return run(source, options, (p) => {
    const body = parseQueryBody(p);
    const [only] = body ?? [];
    if (body === null || only === undefined) return null;
    if (body.length === 1 && only.type === 'termExpr' && !only.negated && only.with.length === 0) return only.term;
    p.error(only.loc, `expected exactly one term but got ${body.length} expression(s)`);
    return null;
  });
}

export function parseTerm(source: string, options: ParseOptions = {}): Term {
  return unwrap(parseTermResult(source, options));
}

function unwrap<T>(result: ParseResult<T>): T {
  if (result.ok) return result.value;
  throw new RegoParseError(result.errors);
}

function run<T>(
  source: string,
  options: ParseOptions,
  parse: (p: Parser, comments: readonly Comment[]) => T | null,
): ParseResult<T> {
  const file = options.file ?? '';
  const tooBig = sizeError(source, file, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (tooBig !== null) return { ok: false, errors: [tooBig] };
  const lexed = lex(source, file);
  const p = new Parser({
    tokens: lexed.tokens,
    file,
    v1: (options.regoVersion ?? 1) === 1,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  const value = withStackGuard(p, () => parse(p, lexed.comments));
  const errors = collectErrors(lexed.errors, p, options.maxErrors ?? DEFAULT_MAX_ERRORS);
  if (errors.length > 0 || value === null)
    return { ok: false, errors: errors.length > 0 ? errors : [unknownFailure(p)] };
  return { ok: true, value };
}

/** Rejects oversized sources before any work: bounds memory and time per file. */
function sizeError(source: string, file: string, maxBytes: number): RegoError | null {
  const size = Buffer.byteLength(source, 'utf8');
  if (size <= maxBytes) return null;
  const message = `policy too large: ${size} bytes exceeds the limit of ${maxBytes} bytes; split the policy into smaller modules or raise maxBytes`;
  return { code: 'rego_parse_error', message, loc: { file, row: 1, col: 1 } };
}

/** A stack overflow despite the depth cap (a small thread stack) becomes a parse error. */
function withStackGuard<T>(p: Parser, parse: () => T | null): T | null {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof RangeError && /call stack/i.test(err.message))) throw err;
    const message =
      'max parsing recursion depth exceeded: the input nests too deeply for the available stack; lower maxDepth';
    p.errors.push({ code: 'rego_parse_error', message, loc: p.loc(p.tok) });
    return null;
  }
}

function unknownFailure(p: Parser): RegoError {
  return { code: 'rego_parse_error', message: 'unexpected end of input', loc: p.loc(p.tok) };
}

/** Lexer and parser errors in source order (stable), cut at `max`. */
function collectErrors(lexErrors: readonly RegoError[], p: Parser, max: number): RegoError[] {
  const all = [...lexErrors, ...p.errors];
  if (p.fatal !== null) all.push(p.fatal);
  all.sort((a, b) => a.loc.row - b.loc.row || a.loc.col - b.loc.col);
  if (all.length <= max) return all;
  const last = all[max - 1];
  const kept = all.slice(0, max - 1);
  if (last !== undefined)
    kept.push({
      ...last,
      code: 'rego_parse_error',
      message: `too many errors: ${all.length - max + 1} more not shown`,
    });
  return kept;
}

/** Query statements: literals chained by `;`, one after another; resumes on the next line after an error. */
function parseQueryBody(p: Parser): Expr[] | null {
  const exprs: Expr[] = [];
  let failed = false;
  while (p.kind() !== Tk.EOF && !p.isAborted()) {
    const start = p.pos;
    const expr = parseLiteral(p);
    if (expr !== null) {
      exprs.push(expr);
      if (p.kind() === Tk.Semicolon) p.next();
      continue;
    }
    failed = true;
    p.pos = start;
    do p.next();
    while (p.kind() !== Tk.EOF && !p.tok.nl);
  }
  if (!failed && exprs.length === 0 && !p.isAborted()) p.error(p.loc(p.tok), 'empty query');
  return failed || p.isAborted() ? null : exprs;
}
