import { parseAllDocuments, stringify } from 'yaml';
import type { HostFn } from './types.js';
import { isString } from './values.js';

/**
 * YAML built-ins with OPA's (sigs.k8s.io/yaml over yaml.v2) behaviour: YAML 1.1 scalars
 * (`yes`/`on` are booleans), the first document only, map keys stringified; output with
 * sorted keys and unindented sequences. Parse errors make the call undefined.
 */
function parse(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const docs = parseAllDocuments(s, { version: '1.1', merge: true, uniqueKeys: false });
    if (!Array.isArray(docs)) return { ok: false };
    const first = docs[0];
    if (first === undefined) return { ok: true, value: null };
    if (docs.some((d) => d.errors.length > 0)) return { ok: false };
    const value: unknown = first.toJS({ maxAliasCount: 100 });
    return { ok: true, value: value === undefined ? null : value };
  } catch (err: unknown) {
    if (err instanceof Error) return { ok: false };
    throw err;
  }
}

function marshal(v: unknown): string {
  return stringify(v, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}

export const yamlBuiltins: Readonly<Record<string, HostFn>> = {
  'yaml.marshal': (v) => marshal(v),
  'yaml.unmarshal': (s) => {
    if (!isString(s)) return undefined;
    const r = parse(s);
    return r.ok ? r.value : undefined;
  },
  'yaml.is_valid': (s) => isString(s) && parse(s).ok,
};
