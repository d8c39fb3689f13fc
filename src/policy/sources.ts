import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ImagegateError, errorMessage } from '../errors/index.js';
import { mergeAt } from './bundle.js';

export interface RegoFile {
  readonly file: string;
  readonly text: string;
}

export interface PolicySources {
  readonly modules: readonly RegoFile[];
  readonly data: Record<string, unknown>;
}

/** Caps that keep a mistaken path (a home directory, /) from being read whole. */
const MAX_FILES = 10_000;
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const DATA_FILES = new Set(['data.json', 'data.yaml', 'data.yml']);

/**
 * Reads policy sources the way `opa build` and `opa eval -d` take them: `.rego` files and
 * `data.json`/`data.yaml` files, given directly or found under directories. A data file found
 * under a directory argument is mounted at its directory's path below that argument
 * (`policies/imagegate/config/data.json` → `data.imagegate.config`); one given directly is
 * mounted at the root.
 */
export async function loadPolicySources(paths: readonly string[]): Promise<PolicySources> {
  const modules: RegoFile[] = [];
  const data: Record<string, unknown> = {};
  let count = 0;
  const visit = async (path: string, root: string): Promise<void> => {
    if (++count > MAX_FILES)
      throw sourceError(`more than ${MAX_FILES} files under the given paths; point at the policy directory`);
    const info = await statOrThrow(path);
    if (info.isDirectory()) {
      const names = (await readdir(path)).sort();
      for (const name of names) {
        if (!name.startsWith('.')) await visit(join(path, name), root);
      }
      return;
    }
    const name = basename(path);
    if (name.endsWith('.rego')) modules.push({ file: path, text: await readText(path, info.size) });
    else if (DATA_FILES.has(name)) {
      const dir = relative(root, join(path, '..'));
      const at = dir === '' || dir.startsWith('..') ? [] : dir.split(sep);
      mergeAt(data, at, parseData(path, await readText(path, info.size)), path);
    }
  };
  for (const p of paths) {
    const info = await statOrThrow(p);
    await visit(p, info.isDirectory() ? p : join(p, '..'));
  }
  return { modules, data };
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    throw sourceError(`cannot read ${JSON.stringify(path)}: ${errorMessage(err)}`, err);
  }
}

async function readText(path: string, size: number): Promise<string> {
  if (size > MAX_FILE_BYTES)
    throw sourceError(`${path} is ${size} bytes; policy and data files are read up to ${MAX_FILE_BYTES}`);
  return readFile(path, 'utf8');
}

function parseData(path: string, text: string): unknown {
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw sourceError(`${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${errorMessage(err)}`, err);
  }
}

function sourceError(message: string, cause?: unknown): ImagegateError {
  return new ImagegateError('IMAGEGATE_POLICY_SOURCES_INVALID', message, cause === undefined ? undefined : { cause });
}
