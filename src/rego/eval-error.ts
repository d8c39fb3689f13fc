/** An evaluation error as `opa eval -f json` prints it (OPA's topdown.Error). */
export interface RegoEvalError {
  readonly code: 'eval_conflict_error' | 'eval_internal_error';
  readonly message: string;
  /** Absent when the module did not say where (e.g. a trap of the wasm engine). */
  readonly location?: { readonly file: string; readonly row: number; readonly col: number };
}

/**
 * The wasm runtime aborts with "<file>:<row>:<col>: <what>" in OPA's wasm wording; OPA's own
 * evaluator says the same things in other words. Keys: the runtime's text; values: OPA's.
 */
const CONFLICTS: ReadonlyMap<string, string> = new Map([
  ['var assignment conflict', 'complete rules must not produce multiple outputs'],
  ['object insert conflict', 'object keys must be unique'],
  [
    'functions must not produce multiple outputs for same inputs',
    'functions must not produce multiple outputs for same inputs',
  ],
]);

/**
 * Translates what the opa-wasm SDK threw (a string, an Error, or a WebAssembly trap) into OPA's
 * error. A query's own location (file `<query>` inside the module) is reported with file "" as
 * OPA reports query locations.
 */
export function regoEvalError(thrown: unknown): RegoEvalError {
  const text =
    typeof thrown === 'string'
      ? thrown
      : typeof thrown === 'object' && thrown !== null && 'message' in thrown && typeof thrown.message === 'string'
        ? thrown.message
        : String(thrown);
  const m = /^(.*):(\d+):(\d+): ([^\n]*)$/s.exec(text);
  if (m === null) return { code: 'eval_internal_error', message: text };
  const [, file = '', row = '0', col = '0', what = ''] = m;
  const location = { file: file === '<query>' ? '' : file, row: Number(row), col: Number(col) };
  const conflict = CONFLICTS.get(what);
  return conflict === undefined
    ? { code: 'eval_internal_error', message: what, location }
    : { code: 'eval_conflict_error', message: conflict, location };
}
