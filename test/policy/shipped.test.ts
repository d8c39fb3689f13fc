/**
 * The shipped policies at start-up: the bundle `npm run build` wrote is loaded as it is when
 * its revision is the hash of the sources in policies/; otherwise (no build, edited sources,
 * another entrypoint) the sources are compiled in the compiler process, with a one-line note.
 * Each case runs in a copy of the package root, so the real dist/ is never touched.
 */
import t, { type Test } from 'tap';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileBundle } from '../../src/policy/index.js';
import { readPolicyDir, shippedBundle, SHIPPED_BUNDLE_FILE } from '../../src/policy/internal.js';
import { loadRegoPolicy } from '../../src/rego/builtins/index.js';
import { repoRoot } from '../fixtures/shared.js';

async function packageCopy(t: Test): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'imagegate-pkg-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await cp(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
  await writeFile(join(root, 'package.json'), await readFile(join(repoRoot, 'package.json')));
  return root;
}

/** What `npm run build` does, into `root`. */
async function buildShipped(root: string): Promise<string> {
  const { sources, data, revision } = await readPolicyDir({ dir: join(root, 'policies') });
  const built = await compileBundle({ sources, data, revision });
  await mkdir(join(root, 'dist', 'policies'), { recursive: true });
  await writeFile(join(root, SHIPPED_BUNDLE_FILE), built.bytes);
  return revision;
}

/** The shipped decision for one untrusted image, from a loaded bundle. */
async function decide(bundle: { wasm: Uint8Array; data: Readonly<Record<string, unknown>> }): Promise<unknown> {
  const policy = await loadRegoPolicy({ wasm: bundle.wasm, data: bundle.data });
  const input = {
    request: { namespace: 'team-a' },
    images: [
      { container: 'app', image: 'nginx', reference: { repository: 'docker.io/library/nginx', registry: 'docker.io' } },
    ],
  };
  return policy.evaluate(input, 'imagegate/decision');
}

t.test('a fresh prebuilt bundle is loaded without compiling and without a note', async (t) => {
  const root = await packageCopy(t);
  const revision = await buildShipped(root);
  const notes: string[] = [];
  const { bundle, source } = await shippedBundle({
    entrypoint: 'imagegate/decision',
    note: (m) => notes.push(m),
    root,
  });
  t.same(notes, []);
  t.equal(bundle.manifest.revision, revision);
  t.match(revision, /^sha256:[0-9a-f]{64}$/);
  t.equal(source, `${join(root, SHIPPED_BUNDLE_FILE)} (shipped policies)`);
  t.match(JSON.stringify(await decide(bundle)), /no trusted registries are configured/);
});

t.test('without a build the shipped policies are compiled, with one note saying why and what to run', async (t) => {
  const root = await packageCopy(t);
  const notes: string[] = [];
  const { bundle, source } = await shippedBundle({
    entrypoint: 'imagegate/decision',
    note: (m) => notes.push(m),
    root,
  });
  t.equal(notes.length, 1);
  t.match(notes[0], /imagegate\.tar\.gz does not exist: compiling .*policies at start-up; run `npm run build`/);
  t.match(source, /policies \(compiled at start-up\)$/);
  t.equal(bundle.manifest.revision, (await readPolicyDir({ dir: join(root, 'policies') })).revision);
  t.match(JSON.stringify(await decide(bundle)), /no trusted registries are configured/);
});

t.test('an edited policy is never served from the older prebuilt bundle', async (t) => {
  const root = await packageCopy(t);
  const old = await buildShipped(root);
  const file = join(root, 'policies', 'imagegate', 'registries.rego');
  const text = await readFile(file, 'utf8');
  t.match(text, /no trusted registries are configured/);
  await writeFile(file, text.replace('no trusted registries are configured', 'the trust list is empty'));
  const notes: string[] = [];
  const { bundle } = await shippedBundle({ entrypoint: 'imagegate/decision', note: (m) => notes.push(m), root });
  t.match(notes, [new RegExp(`the prebuilt bundle has revision ${old}, the shipped sources sha256:`)]);
  t.not(bundle.manifest.revision, old);
  const result = JSON.stringify(await decide(bundle));
  t.match(result, /the trust list is empty/);
  t.notMatch(result, /no trusted registries are configured/);
});

t.test(
  'another entrypoint than the prebuilt one is compiled; an unknown one fails with the compiler code',
  async (t) => {
    const root = await packageCopy(t);
    await buildShipped(root);
    const notes: string[] = [];
    await t.rejects(shippedBundle({ entrypoint: 'imagegate/nope', note: (m) => notes.push(m), root }), {
      code: 'IMAGEGATE_REGO_ENTRYPOINT_UNDEFINED',
      message: /entrypoint "imagegate\/nope" does not refer to a rule/,
    });
    t.match(notes, [/the prebuilt bundle has no entrypoint "imagegate\/nope"/]);
  },
);

t.test('the compiled bundle names its modules policies/…, never by absolute path, and leaves tests out', async (t) => {
  const root = await packageCopy(t);
  const { bundle } = await shippedBundle({ entrypoint: 'imagegate/decision', note: () => undefined, root });
  const text = Buffer.from(bundle.wasm).toString('latin1');
  t.notOk(text.includes(root), `the module does not contain ${root}`);
  t.match(text, /policies\/imagegate\/[a-z_-]+\.rego/, 'file names start at policies/');
  t.same([...bundle.files.keys()].filter((f) => f.endsWith('.rego')).sort(), [
    'policies/imagegate/decision.rego',
    'policies/imagegate/health.rego',
    'policies/imagegate/mirrors.rego',
    'policies/imagegate/registries.rego',
    'policies/imagegate/signatures.rego',
    'policies/imagegate/tags.rego',
  ]);
});
