/**
 * `policy build --target opa`: the module names only OPA's standard built-ins, so a host with
 * OPA's own built-ins (and none of imagegate's `imagegate.*` aliases) evaluates it.
 */
import t from 'tap';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { runCli } from '../../src/cli/index.js';
import { hostBuiltins } from '../../src/rego/index.js';
import { readBundle } from '../../src/policy/index.js';

const POLICY =
  'package t\n\np := [sprintf("%d-%s", [1, "a"]), time.date(0), bits.and(12, 10), regex.split(",", "a,b"), yaml.marshal({"a": 1}), startswith("ab", "a")]\n';
const EXPECTED = [{ result: ['1-a', [1970, 1, 1], 8, ['a', 'b'], 'a: 1\n', true] }];

/** A host that knows OPA's built-in names only (as OPA's own SDKs do): no imagegate.* aliases. */
function opaNamesOnly(): Record<string, (...args: unknown[]) => unknown> {
  return Object.fromEntries(Object.entries(hostBuiltins()).filter(([name]) => !name.startsWith('imagegate.')));
}

async function buildWith(
  t: { teardown: (fn: () => unknown) => void },
  extra: readonly string[],
): Promise<{ code: number; out: string[]; err: string[]; wasm: Uint8Array | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-target-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 't.rego'), POLICY);
  const out: string[] = [];
  const err: string[] = [];
  const bundleFile = join(dir, 'bundle.tar.gz');
  const code = await runCli(['policy', 'build', '-e', 't/p', '-o', bundleFile, ...extra, join(dir, 't.rego')], {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
  }).catch((e: unknown) => {
    err.push(String(e));
    return 2;
  });
  const wasm =
    code === 0 ? (await readBundle({ bytes: await readFile(bundleFile), source: bundleFile })).wasm : undefined;
  return { code, out, err, wasm };
}

t.test('--target opa lists only OPA names and runs on a host with only OPA names', async (t) => {
  const { code, wasm } = await buildWith(t, ['--target', 'opa']);
  t.equal(code, 0);
  if (wasm === undefined) return;
  t.notOk(Buffer.from(wasm).includes('imagegate.'), 'no imagegate.* name in the module');
  const policy = await loadPolicy(wasm, undefined, opaNamesOnly());
  t.same(policy.evaluate({}, 't/p'), EXPECTED);
});

t.test('the default target uses imagegate.* aliases, which a host with only OPA names lacks', async (t) => {
  const { code, wasm } = await buildWith(t, []);
  t.equal(code, 0);
  if (wasm === undefined) return;
  t.ok(Buffer.from(wasm).includes('imagegate.sprintf'), 'sprintf goes by its alias');
  t.same((await loadPolicy(wasm, undefined, hostBuiltins())).evaluate({}, 't/p'), EXPECTED);
  const bare = await loadPolicy(wasm, undefined, opaNamesOnly());
  t.throws(() => {
    bare.evaluate({}, 't/p');
  }, /imagegate\./);
});

t.test('an unknown target is a usage error naming the choices', async (t) => {
  const { code, err } = await buildWith(t, ['--target', 'go']);
  t.not(code, 0);
  t.match(err.join('\n'), /--target takes imagegate or opa, got "go"/);
});
