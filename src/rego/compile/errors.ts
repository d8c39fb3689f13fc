import { ImagegateError } from '../../errors/index.js';
import { formatRegoErrors, type Loc, type RegoError, type RegoErrorCode } from '../syntax/index.js';

export const REGO_COMPILE_ERROR_CODE = 'IMAGEGATE_REGO_COMPILE';

/** Thrown by compileProgram; `problems` lists every error found, in source order. */
export class RegoCompileError extends ImagegateError {
  readonly problems: readonly RegoError[];

  constructor(problems: readonly RegoError[]) {
    super(REGO_COMPILE_ERROR_CODE, formatRegoErrors(problems));
    this.name = 'RegoCompileError';
    this.problems = problems;
  }
}

export function isRegoCompileError(err: unknown): err is RegoCompileError {
  return err instanceof RegoCompileError;
}

/** Collects problems during one compilation. */
export class Problems {
  readonly list: RegoError[] = [];

  add(code: RegoErrorCode, message: string, loc: Loc): void {
    this.list.push({ code, message, loc });
  }
}
