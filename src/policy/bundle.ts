import { gunzipSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { ImagegateError, errorMessage } from '../errors/index.js';
import { isRecord } from '../guards/index.js';

/**
 * OPA's bundle format, as `opa build -t wasm` writes it: a gzipped tar with `/.manifest`,
 * `/policy.wasm`, `/data.json` (and `<dir>/data.json` files mounted at `data.<dir>`).
 */
export interface BundleManifest {
  readonly revision: string;
  readonly roots: readonly string[];
  readonly wasm: readonly { readonly entrypoint: string; readonly module: string }[];
  readonly rego_version?: number;
  /** Free-form, as OPA allows; imagegate keeps its input-path record under `imagegate` (paths.ts). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface Bundle {
  readonly manifest: BundleManifest;
  /** The module named by the manifest's wasm entries (all entries share one module). */
  readonly wasm: Uint8Array;
  /** All data files merged into one document. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Other files (e.g. the .rego sources), by path without the leading slash. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** Caps that keep a hostile bundle from exhausting memory. */
const MAX_COMPRESSED = 64 * 1024 * 1024;
const MAX_UNCOMPRESSED = 256 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

function invalid(source: string, message: string, cause?: unknown): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_BUNDLE_INVALID',
    `bundle ${source}: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Reads a bundle.tar.gz from memory. `source` names it in errors. */
export async function readBundle(opts: { readonly bytes: Uint8Array; readonly source: string }): Promise<Bundle> {
  const { source } = opts;
  if (opts.bytes.length > MAX_COMPRESSED)
    throw invalid(source, `is ${opts.bytes.length} bytes; at most ${MAX_COMPRESSED} are read`);
  let tar: Buffer;
  try {
    tar = gunzipSync(opts.bytes, { maxOutputLength: MAX_UNCOMPRESSED });
  } catch (err) {
    throw invalid(
      source,
      `is not a gzip file within ${MAX_UNCOMPRESSED} bytes (${errorMessage(err)}); build it with \`imagegate policy build\` or \`opa build -t wasm\``,
      err,
    );
  }
  const entries = await untar(tar, source);
  const manifestBytes = entries.get('.manifest');
  const manifest = manifestBytes === undefined ? defaultManifest() : parseManifest(manifestBytes, source);
  const modulePaths = new Set(manifest.wasm.map((w) => stripSlash(w.module)));
  const modulePath = modulePaths.size === 0 ? 'policy.wasm' : ([...modulePaths][0] ?? 'policy.wasm');
  if (modulePaths.size > 1)
    throw invalid(source, `names ${modulePaths.size} wasm modules; imagegate loads bundles with one module`);
  const wasm = entries.get(modulePath);
  if (wasm === undefined)
    throw invalid(
      source,
      `has no /${modulePath}; build it with a wasm target (\`imagegate policy build\` or \`opa build -t wasm -e PKG/RULE\`)`,
    );
  return { manifest, wasm, data: mergeData(entries, source), files: entries };
}

function defaultManifest(): BundleManifest {
  return { revision: '', roots: [''], wasm: [] };
}

function stripSlash(p: string): string {
  return p.replace(/^\/+/, '');
}

function untar(tar: Buffer, source: string): Promise<Map<string, Uint8Array>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Uint8Array>();
    const extract = tarStream.extract();
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        if (Buffer.isBuffer(c)) chunks.push(c);
      });
      stream.on('end', () => {
        if (header.type === 'file') {
          const name = stripSlash(header.name);
          if (name.split('/').includes('..'))
            return reject(invalid(source, `entry ${JSON.stringify(name)} escapes the bundle root`));
          if (entries.size >= MAX_ENTRIES) return reject(invalid(source, `has more than ${MAX_ENTRIES} files`));
          entries.set(name, Buffer.concat(chunks));
        }
        next();
      });
      stream.resume();
    });
    extract.on('finish', () => resolve(entries));
    extract.on('error', (err: Error) => reject(invalid(source, `is not a valid tar archive (${err.message})`, err)));
    Readable.from([tar]).pipe(extract);
  });
}

function parseJson(bytes: Uint8Array, source: string, name: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw invalid(source, `${name} is not valid JSON: ${errorMessage(err)}`, err);
  }
}

function parseManifest(bytes: Uint8Array, source: string): BundleManifest {
  const m = parseJson(bytes, source, '.manifest');
  if (!isRecord(m)) throw invalid(source, '.manifest must be a JSON object');
  const wasm = Array.isArray(m.wasm) ? m.wasm : [];
  const entries = wasm.map((w: unknown, i) => {
    if (!isRecord(w) || typeof w.entrypoint !== 'string' || typeof w.module !== 'string') {
      throw invalid(source, `.manifest wasm[${i}] needs string "entrypoint" and "module"`);
    }
    return { entrypoint: w.entrypoint, module: w.module };
  });
  const roots = Array.isArray(m.roots) ? m.roots.filter((r): r is string => typeof r === 'string') : [''];
  const version = m.rego_version;
  const metadata = m.metadata;
  return {
    revision: typeof m.revision === 'string' ? m.revision : '',
    roots,
    wasm: entries,
    ...(typeof version === 'number' ? { rego_version: version } : {}),
    ...(isRecord(metadata) ? { metadata } : {}),
  };
}

/** Merges every `[dir/]data.json` at `data.<dir>`, as OPA does; overlapping keys are an error. */
function mergeData(entries: ReadonlyMap<string, Uint8Array>, source: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const dataFiles = [...entries.keys()].filter((p) => p === 'data.json' || p.endsWith('/data.json')).sort();
  for (const path of dataFiles) {
    const bytes = entries.get(path);
    if (bytes === undefined) continue;
    const value = parseJson(bytes, source, path);
    const dirs = path.split('/').slice(0, -1);
    if (dirs.length === 0 && !isRecord(value)) throw invalid(source, 'data.json at the root must be a JSON object');
    mergeAt(root, dirs, value, `${source}/${path}`);
  }
  return root;
}

/** Places `value` at `path` under `root`; objects merge deeply, anything else must not collide. */
export function mergeAt(root: Record<string, unknown>, path: readonly string[], value: unknown, what: string): void {
  let node = root;
  for (const key of path) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (!isRecord(next)) throw invalid(what, `data at ${path.join('.')} conflicts with a non-object value`);
    const child = node[key];
    if (!isRecord(child)) throw invalid(what, `data at ${path.join('.')} conflicts`);
    node = child;
  }
  if (!isRecord(value)) {
    throw invalid(what, `data file under ${path.join('/') || '/'} must hold a JSON object`);
  }
  mergeObjects(node, value, what, path);
}

function mergeObjects(
  into: Record<string, unknown>,
  from: Record<string, unknown>,
  what: string,
  path: readonly string[],
): void {
  for (const [k, v] of Object.entries(from)) {
    const prev = into[k];
    if (prev === undefined) into[k] = v;
    else if (isRecord(prev) && isRecord(v)) mergeObjects(prev, v, what, [...path, k]);
    else
      throw invalid(what, `data key ${[...path, k].join('.')} is defined twice; each data path may come from one file`);
  }
}

/** Writes a bundle.tar.gz in OPA's layout (entries with a leading slash, as opa build writes). */
export async function writeBundle(opts: {
  readonly manifest: BundleManifest;
  readonly wasm: Uint8Array;
  readonly data: Readonly<Record<string, unknown>>;
  readonly files?: ReadonlyMap<string, Uint8Array>;
}): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    if (Buffer.isBuffer(c)) chunks.push(c);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const add = (name: string, body: Uint8Array | string): void => {
    pack.entry({ name, mode: 0o644, mtime: new Date(0) }, Buffer.from(body));
  };
  add('/data.json', JSON.stringify(opts.data));
  add('/policy.wasm', opts.wasm);
  for (const [name, body] of opts.files ?? []) add(`/${stripSlash(name)}`, body);
  add('/.manifest', JSON.stringify(opts.manifest));
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
