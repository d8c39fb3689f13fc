import { ImagegateError } from '../../errors/index.js';
import type { Loc } from './ast.js';

/**
 * OPA's error codes that the front end can raise. `rego_type_error` is used only for calls to
 * built-ins that OPA 1.x removed (OPA reports those as type errors too).
 */
export type RegoErrorCode = 'rego_parse_error' | 'rego_type_error';

/** One problem found in Rego source, located like OPA locates it. */
export interface RegoSyntaxError {
  readonly code: RegoErrorCode;
  readonly message: string;
  readonly loc: Loc;
}

export const REGO_PARSE_ERROR_CODE = 'IMAGEGATE_REGO_PARSE';

/** `policy.rego:3:5: rego_parse_error: unexpected } token` (OPA's layout, plus the column). */
export function formatRegoError(err: RegoSyntaxError): string {
  const where = err.loc.file === '' ? `${err.loc.row}:${err.loc.col}` : `${err.loc.file}:${err.loc.row}:${err.loc.col}`;
  return `${where}: ${err.code}: ${err.message}`;
}

/** OPA's `Errors.Error()`: `1 error occurred: …` or `N errors occurred:` and one per line. */
export function formatRegoErrors(errors: readonly RegoSyntaxError[]): string {
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
  readonly errors: readonly RegoSyntaxError[];

  constructor(errors: readonly RegoSyntaxError[]) {
    super(REGO_PARSE_ERROR_CODE, formatRegoErrors(errors));
    this.name = 'RegoParseError';
    this.errors = errors;
  }
}

/** True when `err` is a RegoParseError (the typed error list is then on `err.errors`). */
export function isRegoParseError(err: unknown): err is RegoParseError {
  return err instanceof RegoParseError;
}
