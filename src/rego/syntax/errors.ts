import { ImagegateError } from '../../errors/index.js';
import type { Loc } from './ast.js';

/**
 * OPA's error codes for Rego source, from parse through compile and `opa check`. The parser
 * raises `rego_parse_error`, and `rego_type_error` for calls to built-ins OPA 1.x removed (OPA
 * reports those as type errors too); the compiler raises the rest.
 */
export type RegoErrorCode =
  'rego_parse_error' | 'rego_type_error' | 'rego_unsafe_var_error' | 'rego_recursion_error' | 'rego_compile_error';

/**
 * One problem found in Rego source, located like OPA locates it: the one list type of parse
 * errors (RegoParseError.errors), compile errors (RegoCompileError.problems) and checkSources.
 */
export interface RegoError {
  readonly code: RegoErrorCode;
  readonly message: string;
  readonly loc: Loc;
}

export const REGO_PARSE_ERROR_CODE = 'IMAGEGATE_REGO_PARSE';

/** `policy.rego:3:5: rego_parse_error: unexpected } token` (OPA's layout, plus the column). */
export function formatRegoError(err: RegoError): string {
  const where = err.loc.file === '' ? `${err.loc.row}:${err.loc.col}` : `${err.loc.file}:${err.loc.row}:${err.loc.col}`;
  return `${where}: ${err.code}: ${err.message}`;
}

/** OPA's `Errors.Error()`: `1 error occurred: …` or `N errors occurred:` and one per line. */
export function formatRegoErrors(errors: readonly RegoError[]): string {
  const first = errors[0];
  if (first === undefined) return 'no error(s)';
  if (errors.length === 1) return `1 error occurred: ${formatRegoError(first)}`;
  return `${errors.length} errors occurred:\n${errors.map(formatRegoError).join('\n')}`;
}

/**
 * Thrown by `parseModule`/`parseQuery`/`parseTerm` when the source has errors. `errors` lists
 * every problem found (the parser resumes at the next top-level statement after an error).
 */
export class RegoParseError extends ImagegateError {
  readonly errors: readonly RegoError[];

  constructor(errors: readonly RegoError[]) {
    super(REGO_PARSE_ERROR_CODE, formatRegoErrors(errors));
    this.name = 'RegoParseError';
    this.errors = errors;
  }
}

/** True when `err` is a RegoParseError (the typed error list is then on `err.errors`). */
export function isRegoParseError(err: unknown): err is RegoParseError {
  return err instanceof RegoParseError;
}
