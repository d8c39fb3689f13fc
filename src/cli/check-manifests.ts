import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, type YAMLError } from 'yaml';
import { ImagegateError, errorMessage } from '../errors/index.js';
import { isRecord } from '../guards/index.js';

/** One Kubernetes object of a manifest, and where it was read. */
export interface ManifestObject {
  /** The file as given (a directory's files joined to it); `(stdin)` for `-`. */
  readonly file: string;
  /** 1-based document number in the file, with `.items[i]` for an item of a `kind: List`. */
  readonly where: string;
  readonly object: Readonly<Record<string, unknown>>;
}

/** A manifest's text and the name errors give it. */
export interface ManifestText {
  readonly file: string;
  readonly text: string;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
export const STDIN_NAME = '(stdin)';

function unreadable(path: string, err: unknown): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_CHECK_INPUT_UNREADABLE',
    `cannot read ${JSON.stringify(path)}: ${errorMessage(err)}; pass a manifest file, a directory of *.yaml, *.yml or *.json files, or - for stdin`,
    { cause: err },
  );
}

/**
 * The texts of every `-f` argument, in order: a file as it is, a directory's *.yaml, *.yml and
 * *.json files recursively in name order, `-` standard input (read once).
 * @throws ImagegateError IMAGEGATE_CHECK_INPUT_UNREADABLE naming the path that cannot be read
 */
export async function readManifestTexts(opts: {
  readonly paths: readonly string[];
  readonly stdin: (() => Promise<string>) | undefined;
}): Promise<ManifestText[]> {
  const texts: ManifestText[] = [];
  for (const path of opts.paths) {
    if (path === '-') {
      if (opts.stdin === undefined) throw unreadable(path, new Error('no standard input here'));
      texts.push({ file: STDIN_NAME, text: await opts.stdin() });
      continue;
    }
    for (const file of await manifestFiles(path)) {
      try {
        texts.push({ file, text: await readFile(file, 'utf8') });
      } catch (err) {
        throw unreadable(file, err);
      }
    }
  }
  return texts;
}

async function manifestFiles(path: string): Promise<string[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw unreadable(path, err);
  }
  if (!isDir) return [path];
  const entries = await readdir(path, { withFileTypes: true }).catch((err: unknown) => {
    throw unreadable(path, err);
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await manifestFiles(child)));
    else if (MANIFEST_FILE.test(entry.name)) files.push(child);
  }
  return files;
}

function invalid(where: string, message: string): ImagegateError {
  return new ImagegateError('IMAGEGATE_CHECK_INPUT_INVALID', `${where}: ${message}`);
}

/**
 * The objects of one manifest text: every YAML document (JSON is YAML) that holds something,
 * empty and comment-only ones skipped as `helm template` prints them, and the items of a
 * `kind: List` (`kustomize build`, `kubectl get -o yaml`) each on its own.
 * @throws ImagegateError IMAGEGATE_CHECK_INPUT_INVALID naming the file, line and document
 */
export function manifestObjects(manifest: ManifestText): ManifestObject[] {
  const { file } = manifest;
  const docs = parseAllDocuments(manifest.text, { uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  const objects: ManifestObject[] = [];
  for (const [i, doc] of docs.entries()) {
    const n = String(i + 1);
    const error = doc.errors[0];
    if (error !== undefined) throw yamlError(file, n, error);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    objects.push(...objectsOf({ file, where: n, value }));
  }
  return objects;
}

function yamlError(file: string, doc: string, error: YAMLError): ImagegateError {
  const pos = error.linePos?.[0];
  const at = pos === undefined ? file : `${file}:${pos.line}:${pos.col}`;
  const first = error.message.split('\n')[0] ?? error.message;
  return new ImagegateError(
    'IMAGEGATE_CHECK_INPUT_INVALID',
    `${at}: document ${doc} is not valid YAML: ${first}; fix the manifest (run it through \`kubectl apply --dry-run=client -f\` to see the same error)`,
    { cause: error },
  );
}

function objectsOf(opts: { readonly file: string; readonly where: string; readonly value: unknown }): ManifestObject[] {
  const { file, where, value } = opts;
  const at = `${file}:${where}`;
  if (!isRecord(value))
    throw invalid(at, `expected a Kubernetes object (a mapping with apiVersion and kind), found ${describe(value)}`);
  const { kind, apiVersion } = value;
  if (typeof kind !== 'string' || kind === '' || typeof apiVersion !== 'string' || apiVersion === '')
    throw invalid(
      at,
      `expected a Kubernetes object with string apiVersion and kind, found apiVersion ${JSON.stringify(apiVersion ?? null)} and kind ${JSON.stringify(kind ?? null)}; add them`,
    );
  const { items } = value;
  if (!isList(kind, items)) return [{ file, where, object: value }];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw invalid(at, `a ${kind} needs an items array, found ${describe(items)}`);
  return items.flatMap((item: unknown, i) => objectsOf({ file, where: `${where}.items[${i}]`, value: item }));
}

/**
 * `List`, and the typed lists kubectl prints (`PodList`, `DeploymentList`, …: a kind ending in
 * List with an items array); a custom kind that merely ends in List (`AllowList`) is an object.
 */
function isList(kind: string, items: unknown): boolean {
  return kind === 'List' || (kind.endsWith('List') && Array.isArray(items));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a sequence';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}
