/**
 * Runs a script the way a project that depends on imagegate runs it: an .mjs file in a fresh
 * directory whose node_modules holds `imagegate` (a link to this checkout, resolved through
 * package.json's `exports` to the built dist/) and the stock `@open-policy-agent/opa-wasm`.
 * Needs `npm run build` first (the test command runs it).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../fixtures/shared.js';

const run = promisify(execFile);

export interface ConsumerResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A consumer project directory: node_modules with `imagegate` (this checkout),
 * `@open-policy-agent/opa-wasm` and `@types` (for type checks), removed at teardown.
 */
export async function consumerProject(teardown: (fn: () => unknown) => void): Promise<string> {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'index.js'))) {
    throw new Error('dist/src/index.js is missing: run `npm run build` before the package tests');
  }
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-consumer-'));
  teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'node_modules', '@open-policy-agent'), { recursive: true });
  await symlink(repoRoot, join(dir, 'node_modules', 'imagegate'), 'dir');
  await symlink(
    join(repoRoot, 'node_modules', '@open-policy-agent', 'opa-wasm'),
    join(dir, 'node_modules', '@open-policy-agent', 'opa-wasm'),
    'dir',
  );
  await symlink(join(repoRoot, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return dir;
}

/** Writes `script` as main.mjs in a consumer project and runs it with node; rejects on a non-zero exit. */
export async function runConsumer(opts: {
  readonly script: string;
  readonly teardown: (fn: () => unknown) => void;
}): Promise<ConsumerResult> {
  const dir = await consumerProject(opts.teardown);
  await writeFile(join(dir, 'main.mjs'), opts.script);
  const { stdout, stderr } = await run(process.execPath, ['main.mjs'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  return { stdout, stderr };
}
