import { readFileSync } from 'node:fs';
import { isRegoCompileError, isRegoParseError, regoEvalError, type RegoError } from '../rego/index.js';

/** One error as `opa eval -f json` prints it (OPA's OutputError, fields in OPA's order). */
export interface OpaError {
  /** Parse errors: the offending source line and the 0-based column (OPA's ParserErrorDetail). */
  readonly details?: { readonly line: string; readonly idx: number };
  readonly location?: { readonly file: string; readonly row: number; readonly col: number };
  readonly message: string;
  readonly code: string;
}

/** The text of a source file by the name it was loaded under, or undefined when unknown. */
export type SourceLookup = (file: string) => string | undefined;

/** Reads files as named (paths as given on the command line); `overrides` wins (e.g. the query as file ""). */
export function diskSources(overrides: ReadonlyMap<string, string> = new Map()): SourceLookup {
  const cache = new Map<string, string | undefined>(overrides);
  return (file) => {
    if (!cache.has(file)) {
      let text: string | undefined;
      try {
        text = file === '' ? undefined : readFileSync(file, 'utf8');
      } catch {
        text = undefined;
      }
      cache.set(file, text);
    }
    return cache.get(file);
  };
}

/** Rego parse and compile errors in OPA's shape; undefined for any other error. */
export function opaErrors(err: unknown, sources: SourceLookup): OpaError[] | undefined {
  const problems = isRegoParseError(err) ? err.errors : isRegoCompileError(err) ? err.problems : undefined;
  return problems === undefined ? undefined : problemsAsOpa(problems, sources);
}

/** Located problems (parse, compile, check) in OPA's shape; parse errors carry their source line. */
export function problemsAsOpa(problems: readonly RegoError[], sources: SourceLookup): OpaError[] {
  return problems.map((p) => {
    const location = { file: p.loc.file === '<query>' ? '' : p.loc.file, row: p.loc.row, col: p.loc.col };
    const line =
      p.code === 'rego_parse_error'
        ? sources(location.file)?.split('\n')[p.loc.row - 1]?.replace(/\r$/, '')
        : undefined;
    const base = { location, message: p.message, code: p.code };
    return line === undefined || line.trim() === '' ? base : { details: { line, idx: p.loc.col - 1 }, ...base };
  });
}

/** What the SDK threw while evaluating, as OPA's error. */
export function opaEvalErrors(thrown: unknown): OpaError[] {
  const e = regoEvalError(thrown);
  return [
    e.location === undefined
      ? { message: e.message, code: e.code }
      : { location: e.location, message: e.message, code: e.code },
  ];
}

/**
 * OPA's human layout: `1 error occurred: p.rego:3:7: rego_parse_error: unexpected eof token`
 * (or `N errors occurred:` and one per line), each parse error followed by its source line and
 * a caret under the column, tab-indented, leading tabs of the line dropped as OPA does.
 */
export function formatOpaErrors(errors: readonly OpaError[]): string {
  const lines = errors.map((e) => {
    const loc = e.location;
    const where =
      loc === undefined ? '' : loc.file === '' ? `${loc.row}:${loc.col}: ` : `${loc.file}:${loc.row}:${loc.col}: `;
    let text = `${where}${e.code}: ${e.message}`;
    if (e.details !== undefined) {
      const trimmed = e.details.line.replace(/^\t+/, '');
      const indent = Math.max(0, e.details.idx - (e.details.line.length - trimmed.length));
      text += `\n\t${trimmed}\n\t${' '.repeat(indent)}^`;
    }
    return text;
  });
  if (lines.length === 0) return 'no error(s)';
  return lines.length === 1
    ? `1 error occurred: ${lines[0] ?? ''}`
    : `${lines.length} errors occurred:\n${lines.join('\n')}`;
}
