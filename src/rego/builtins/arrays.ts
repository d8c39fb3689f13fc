import type { HostFn } from './types.js';
import { isArray, isInteger } from './values.js';

function flatten(a: readonly unknown[]): unknown[] {
  return a.flatMap((v) => (isArray(v) ? flatten(v) : [v]));
}

/** array.slice(a, start, stop): indexes clamped to [0, len]; start >= stop gives []. */
function slice(a: unknown, start: unknown, stop: unknown): unknown[] | undefined {
  if (!isArray(a) || !isInteger(start) || !isInteger(stop)) return undefined;
  const s = Math.max(0, Math.min(start, a.length));
  const e = Math.max(0, Math.min(stop, a.length));
  return s >= e ? [] : a.slice(s, e);
}

export const arrayBuiltins: Readonly<Record<string, HostFn>> = {
  'array.concat': (a, b) => (isArray(a) && isArray(b) ? [...a, ...b] : undefined),
  'array.slice': slice,
  'array.reverse': (a) => (isArray(a) ? [...a].reverse() : undefined),
  'array.flatten': (a) => (isArray(a) ? flatten(a) : undefined),
};
