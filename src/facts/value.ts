import { ImagegateError } from '../errors/index.js';
import { isRecord } from '../guards/index.js';

/** Deeper fact values are refused: the policy input must stay cheap to copy and to key a cache on. */
const MAX_DEPTH = 32;

/**
 * Checks that a fact source's answer reaches the policy as it was meant: a JSON value (undefined,
 * functions, bigints, NaN, class instances would vanish or change on the way to the evaluator
 * thread, a silent absence), and not an object with a top-level `error` key (which the policy
 * reads as a failed lookup).
 * @throws ImagegateError IMAGEGATE_FACTS_LOOKUP_FAILED naming the source and what was wrong
 */
export function checkFactValue(source: string, value: unknown): void {
  const problem = value === undefined ? 'no value (undefined)' : jsonProblem(value, 0);
  if (problem !== undefined)
    throw new ImagegateError(
      'IMAGEGATE_FACTS_LOOKUP_FAILED',
      `fact source ${source} answered with ${problem}; expected a JSON value (fix the source)`,
    );
  if (isRecord(value) && Object.hasOwn(value, 'error'))
    throw new ImagegateError(
      'IMAGEGATE_FACTS_LOOKUP_FAILED',
      `fact source ${source} answered with an object with a top-level "error" key, which the policy reads as a failed lookup; throw instead, or nest the field`,
    );
}

function jsonProblem(v: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `a value nested deeper than ${MAX_DEPTH} levels`;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(v) ? undefined : `the number ${v}`;
    case 'object':
      if (v === null) return undefined;
      if (Array.isArray(v)) return firstProblem(v, depth);
      if (!isPlainObject(v)) return `a non-plain object ${Object.prototype.toString.call(v)}`;
      return firstProblem(Object.values(v), depth);
    default:
      return `a ${typeof v}`;
  }
}

function firstProblem(items: readonly unknown[], depth: number): string | undefined {
  for (const item of items) {
    if (item === undefined) return 'undefined inside an array or object';
    const p = jsonProblem(item, depth + 1);
    if (p !== undefined) return p;
  }
  return undefined;
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
