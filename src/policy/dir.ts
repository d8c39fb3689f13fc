import { createHash } from 'node:crypto';
import { dirname, relative } from 'node:path';
import { loadPolicySources, type RegoFile } from './sources.js';

/** A policy directory read for compiling: what the compiler needs and the revision it yields. */
export interface PolicyDirSources {
  /** The `.rego` modules without `*_test.rego`, named from the directory's parent (`policies/…`). */
  readonly sources: readonly RegoFile[];
  /** The `data.json`/`data.yaml` files merged, each at its directory's path. */
  readonly data: Readonly<Record<string, unknown>>;
  /** `sha256:<hex>` over the modules' names and text and the data: equal sources, equal revision. */
  readonly revision: string;
}

/**
 * Reads a policy directory as the webhook compiles it. Test modules are left out: they are not
 * evaluated by the webhook and may import test-only data. Files are named from the directory's
 * parent, as a bundle names them, so locations in errors never show where imagegate is installed
 * and two copies of the same directory give the same revision.
 */
export async function readPolicyDir(opts: { readonly dir: string }): Promise<PolicyDirSources> {
  const { modules, data } = await loadPolicySources([opts.dir]);
  const base = dirname(opts.dir);
  const sources = modules
    .filter((m) => !m.file.endsWith('_test.rego'))
    .map((m) => ({ file: relative(base, m.file).split('\\').join('/'), text: m.text }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { sources, data, revision: sourcesRevision({ sources, data }) };
}

/** The revision of compiled sources: a hash of every module's name and text and of the data. */
export function sourcesRevision(opts: {
  readonly sources: readonly RegoFile[];
  readonly data: Readonly<Record<string, unknown>>;
}): string {
  const hash = createHash('sha256');
  for (const s of opts.sources) hash.update(`${JSON.stringify(s.file)}\n${s.text.length}\n${s.text}\n`);
  hash.update(canonicalJson(opts.data));
  return `sha256:${hash.digest('hex')}`;
}

/** JSON with object keys sorted, so that the revision does not depend on key order in a data file. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
