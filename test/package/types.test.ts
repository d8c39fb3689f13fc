/**
 * The package entry ships types: a TypeScript consumer (strict, nodenext) type-checks against
 * 'imagegate' through package.json's `exports`, and a wrong option is a type error.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../fixtures/shared.js';
import { consumerProject } from './consumer.js';

const run = promisify(execFile);

const CONSUMER = `import { buildBundle, readBundle, hostBuiltins, type BuildBundleOptions } from 'imagegate';
const opts: BuildBundleOptions = { sources: [{ file: 'a.rego', text: 'package a\\n\\np := 1\\n' }], entrypoints: ['a/p'], target: 'opa' };
const bundle = await readBundle({ bytes: await buildBundle(opts), source: 'a' });
const host: Record<string, (...args: unknown[]) => unknown> = hostBuiltins({ now: () => 1n });
export const summary: [string, number] = [bundle.manifest.wasm[0]?.entrypoint ?? '', Object.keys(host).length];
`;

async function typecheck(dir: string, source: string): Promise<{ code: number; output: string }> {
  await writeFile(join(dir, 'main.ts'), source);
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    tsc,
    '--noEmit',
    '--strict',
    '--exactOptionalPropertyTypes',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--types',
    'node',
    'main.ts',
  ];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: dir });
    return { code: 0, output: stdout };
  } catch (err: unknown) {
    const output =
      typeof err === 'object' && err !== null && 'stdout' in err && typeof err.stdout === 'string'
        ? err.stdout
        : String(err);
    return { code: 1, output };
  }
}

t.test("a TypeScript project type-checks against 'imagegate' and its declared options", async (t) => {
  const dir = await consumerProject((fn) => t.teardown(fn));
  const ok = await typecheck(dir, CONSUMER);
  t.equal(ok.code, 0, ok.output);
  const bad = await typecheck(dir, CONSUMER.replace("target: 'opa'", "target: 'go'"));
  t.equal(bad.code, 1);
  t.match(bad.output, /main\.ts\(2,\d+\): error TS2322: Type '"go"' is not assignable/);
});
