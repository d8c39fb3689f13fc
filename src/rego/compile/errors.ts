import { ImagegateError } from '../../errors/index.js';
import type { Loc } from '../syntax/index.js';

/** OPA's compile-time error codes. */
export type CompileErrorCode =
  | 'rego_unsafe_var_error'
  | 'rego_type_error'
  | 'rego_recursion_error'
  | 'rego_compile_error';

/** One compile problem, located like OPA locates it. */
export interface CompileProblem {
  readonly code: CompileErrorCode;
  readonly message: string;
  readonly loc: Loc;
}

export const REGO_COMPILE_ERROR_CODE = 'IMAGEGATE_REGO_COMPILE';

function formatOne(p: CompileProblem): string {
  const where = p.loc.file === '' ? `${p.loc.row}:${p.loc.col}` : `${p.loc.file}:${p.loc.row}:${p.loc.col}`;
  return `${where}: ${p.code}: ${p.message}`;
}

/** OPA's layout: `1 error occurred: …` or `N errors occurred:` then one per line. */
export function formatCompileProblems(problems: readonly CompileProblem[]): string {
  const [first] = problems;
  if (first === undefined) return 'no error(s)';
  if (problems.length === 1) return `1 error occurred: ${formatOne(first)}`;
  return `${problems.length} errors occurred:\n${problems.map(formatOne).join('\n')}`;
}

/** Thrown by compileProgram; `problems` lists every error found, in source order. */
export class RegoCompileError extends ImagegateError {
  readonly problems: readonly CompileProblem[];

  constructor(problems: readonly CompileProblem[]) {
    super(REGO_COMPILE_ERROR_CODE, formatCompileProblems(problems));
    this.name = 'RegoCompileError';
    this.problems = problems;
  }
}

export function isRegoCompileError(err: unknown): err is RegoCompileError {
  return err instanceof RegoCompileError;
}

/** Collects problems during one compilation. */
export class Problems {
  readonly list: CompileProblem[] = [];

  add(code: CompileErrorCode, message: string, loc: Loc): void {
    this.list.push({ code, message, loc });
  }
}
