/**
 * What the `imagegate check` tests share: running the CLI in-process, reading its -o json
 * report, and the manifests of test/fixtures/manifests read independently of src/cli (their
 * documents numbered as a reader would count them), so the check output can be matched to the
 * objects the webhook is sent.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../src/cli/index.js';
import { isRecord } from '../../src/guards/index.js';

export const MANIFESTS = join(import.meta.dirname, '..', 'fixtures', 'manifests');

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function check(
  args: readonly string[],
  extra: { readonly stdin?: string; readonly progress?: (frame: string) => void } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['check', ...args], {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    ...(extra.stdin === undefined ? {} : { stdin: () => Promise.resolve(extra.stdin ?? '') }),
    ...(extra.progress === undefined ? {} : { progress: extra.progress }),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** One object of `-o json`. */
export interface ReportedObject {
  readonly file: string;
  readonly document: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly verdict: string;
  readonly code?: number;
  readonly message?: string;
  readonly warnings: readonly string[];
  readonly images: readonly string[];
  readonly pinned: readonly unknown[];
}

export function report(run: CliRun): readonly ReportedObject[] {
  const doc: unknown = JSON.parse(run.out);
  if (!isRecord(doc) || !Array.isArray(doc.objects)) throw new Error(`not a check report: ${run.out.slice(0, 500)}`);
  return doc.objects.map((o: unknown): ReportedObject => {
    if (!isRecord(o)) throw new Error('report object is not an object');
    const str = (k: string): string => {
      const v = o[k];
      if (typeof v !== 'string') throw new Error(`report object field ${k} is not a string`);
      return v;
    };
    const strings = (k: string): string[] => {
      const v = o[k];
      if (!Array.isArray(v)) throw new Error(`report object field ${k} is not an array`);
      return v.map(String);
    };
    return {
      file: str('file'),
      document: str('document'),
      kind: str('kind'),
      namespace: str('namespace'),
      name: str('name'),
      verdict: str('verdict'),
      ...(typeof o.code === 'number' ? { code: o.code } : {}),
      ...(typeof o.message === 'string' ? { message: o.message } : {}),
      warnings: strings('warnings'),
      images: strings('images'),
      pinned: Array.isArray(o.pinned) ? o.pinned : [],
    };
  });
}

/** A manifest object with the file (relative to its directory) and document number a reader gives it. */
export interface FixtureObject {
  readonly file: string;
  readonly document: string;
  readonly object: Readonly<Record<string, unknown>>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every object in `dir`'s manifests; `kind: List` items as `N.items[i]`. */
export async function fixtureObjects(dir: string): Promise<FixtureObject[]> {
  const objects: FixtureObject[] = [];
  for (const path of await filesUnder(dir)) {
    const docs = parseAllDocuments(await readFile(path, 'utf8'));
    if (!Array.isArray(docs)) continue;
    for (const [i, doc] of docs.entries()) {
      const value: unknown = doc.toJS();
      if (!isRecord(value)) continue;
      const file = relative(dir, path);
      if (value.kind === 'List' && Array.isArray(value.items)) {
        for (const [j, item] of value.items.entries())
          if (isRecord(item)) objects.push({ file, document: `${i + 1}.items[${j}]`, object: item });
      } else objects.push({ file, document: String(i + 1), object: value });
    }
  }
  return objects;
}

const GROUPED: Readonly<Record<string, string>> = {
  Deployment: 'apps',
  ReplicaSet: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
};

/** The kinds the webhook's configuration sends it (manifests/): core Pod, PodTemplate, ReplicationController and these. */
export function isWorkload(o: Readonly<Record<string, unknown>>): boolean {
  const kind = String(o.kind);
  const group = GROUPED[kind];
  if (group !== undefined) return o.apiVersion === `${group}/v1`;
  return ['Pod', 'PodTemplate', 'ReplicationController'].includes(kind) && o.apiVersion === 'v1';
}

/** The AdmissionReview the API server sends for CREATE of `object` (written here, not by src/cli). */
export function createReview(object: Readonly<Record<string, unknown>>, uid: string): Record<string, unknown> {
  const [group, version] = String(object.apiVersion).includes('/')
    ? String(object.apiVersion).split('/')
    : ['', String(object.apiVersion)];
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
  const kind = String(object.kind);
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group, version, kind },
      resource: { group, version, resource: `${kind.toLowerCase()}s` },
      name: typeof metadata.name === 'string' ? metadata.name : '',
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'imagegate-check' },
      object: { ...object, metadata: { ...metadata, namespace } },
      oldObject: null,
      dryRun: false,
    },
  };
}
