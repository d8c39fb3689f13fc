import type { HostFn } from './types.js';
import { isArray, isObject } from './values.js';

/** type_name; a set arrives as an array and is reported as "array". */
function typeName(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      break;
  }
  if (isArray(v)) return 'array';
  return isObject(v) ? 'object' : undefined;
}

export const miscBuiltins: Readonly<Record<string, HostFn>> = {
  type_name: typeName,
  // OPA without runtime information (its wasm target, `opa eval` without a runtime) answers
  // an empty object: a policy never sees the webhook's environment or configuration.
  'opa.runtime': () => ({}),
};
