import { formatRaw } from './format.js';
import type { HostFn } from './types.js';
import { isArray } from './values.js';

/**
 * internal.template_string(parts): the planner's lowering of `$"…{expr}…"`. Each element is
 * either a literal string (printed as is), a scalar constant (printed in Rego syntax), or
 * the set of the expression's values, which arrives as an array: empty prints
 * `<undefined>`, one value prints that value (strings raw), more than one is an error.
 * Contract for the planner: wrap every non-string, non-scalar part in a set, constants
 * included, because arrays and sets cannot be told apart here.
 */
function templateString(parts: unknown): string | undefined {
  if (!isArray(parts)) return undefined;
  let out = '';
  for (const p of parts) {
    if (!isArray(p)) { out += formatRaw(p); continue; }
    if (p.length === 0) out += '<undefined>';
    else if (p.length === 1) out += formatRaw(p[0]);
    else return undefined;
  }
  return out;
}

export const templateBuiltins: Readonly<Record<string, HostFn>> = {
  'internal.template_string': templateString,
};
