import { ImagegateError, isImagegateError } from '../errors/index.js';
import type { Verdict, Violation } from '../admission/index.js';
import { isRecord } from '../guards/index.js';

/**
 * Reads what the decision entrypoint returned. The contract (README "Writing policies"):
 * `{"violations": [{container, image, rule, message, fix?, pointer?}], "warnings": [string]}`; both lists
 * optional. An undefined decision or one of another shape is undecided, never an allow.
 */
export function verdictFromResult(opts: { readonly resultSet: unknown; readonly entrypoint: string }): Verdict {
  const { entrypoint } = opts;
  if (!Array.isArray(opts.resultSet)) return undecided(`evaluation of ${entrypoint} returned no result set`);
  if (opts.resultSet.length === 0) {
    return undecided(
      `${entrypoint} is undefined for this input; a decision rule must always produce a value (add a default)`,
    );
  }
  const row: unknown = opts.resultSet[0];
  const decision = isRecord(row) ? row.result : undefined;
  if (!isRecord(decision))
    return undecided(`${entrypoint} must be an object {violations, warnings}, got ${describe(decision)}`);
  try {
    return fromDecision(decision, entrypoint);
  } catch (err) {
    if (isImagegateError(err)) return { kind: 'undecided', error: err };
    throw err;
  }
}

function fromDecision(decision: Readonly<Record<string, unknown>>, entrypoint: string): Verdict {
  const violations = listOf(decision.violations, entrypoint, 'violations', toViolation);
  const warnings = listOf(decision.warnings, entrypoint, 'warnings', (w, where) => {
    if (typeof w !== 'string') throw shapeError(`${where} must be a string, got ${describe(w)}`);
    return w;
  });
  return violations.length > 0 ? { kind: 'deny', violations, warnings } : { kind: 'allow', warnings };
}

function listOf<T>(v: unknown, entrypoint: string, field: string, each: (item: unknown, where: string) => T): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw shapeError(`${entrypoint}.${field} must be an array or set, got ${describe(v)}`);
  return v.map((item, i) => each(item, `${entrypoint}.${field}[${i}]`));
}

function toViolation(v: unknown, where: string): Violation {
  if (!isRecord(v))
    throw shapeError(`${where} must be an object {container, image, rule, message, fix}, got ${describe(v)}`);
  const field = (k: string, required: boolean): string => {
    const s = v[k];
    if (typeof s === 'string') return s;
    if (s === undefined && !required) return '';
    throw shapeError(`${where}.${k} must be a string, got ${describe(s)}`);
  };
  const pointer = field('pointer', false);
  return {
    container: field('container', false),
    image: field('image', false),
    rule: field('rule', true),
    message: field('message', true),
    fix: field('fix', false),
    ...(pointer === '' ? {} : { pointer }),
  };
}

function shapeError(message: string): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_POLICY_RESULT_INVALID',
    `${message}; see README "Writing policies" for the decision's shape`,
  );
}

function undecided(message: string): Verdict {
  return { kind: 'undecided', error: shapeError(message) };
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}
