import { formatRaw } from './format.js';
import type { HostFn } from './types.js';
import { isArray, isRegoSet } from './values.js';

/**
 * internal.template_string(parts): the planner's lowering of `$"…{expr}…"`. Each element is
 * either a literal string (printed as is), a scalar constant (printed in Rego syntax), or
 * the set of the expression's values, which arrives as an array: empty prints
 * `<undefined>`, one value prints that value (strings raw), more than one is an error.
 * Contract for the planner: wrap every non-string, non-scalar part in a set, constants
 * included. Through plain JSON (sets arrive as arrays) an array part counts as such a set;
 * under its alias the module passes the parts as Rego value text, so set parts arrive as
 * RegoSet and collection values inside them print exactly (`set()`, `{42}`).
 */
function templateString(parts: unknown): string | undefined {
  if (!isArray(parts)) return undefined;
  let out = '';
  for (const p of parts) {
    const values = isRegoSet(p) ? p.elems : isArray(p) ? p : undefined;
    if (values === undefined) {
      out += formatRaw(p);
      continue;
    }
    if (values.length === 0) out += '<undefined>';
    else if (values.length === 1) out += formatRaw(values[0]);
    else return undefined;
  }
  return out;
}

export const templateBuiltins: Readonly<Record<string, HostFn>> = {
  'internal.template_string': templateString,
};
