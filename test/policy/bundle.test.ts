import t from 'tap';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { compileBundle, readBundle } from '../../src/policy/index.js';
import { recordedInputPaths, writeBundle } from '../../src/policy/internal.js';

const wasm = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

async function tarGz(files: Record<string, string | Uint8Array>): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    if (Buffer.isBuffer(c)) chunks.push(c);
  });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const [name, body] of Object.entries(files)) pack.entry({ name }, Buffer.from(body));
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

t.test('round trip in OPA layout', async (t) => {
  const manifest = {
    revision: 'r1',
    roots: [''],
    wasm: [{ entrypoint: 'imagegate/decision', module: '/policy.wasm' }],
    rego_version: 1,
  };
  const bytes = await writeBundle({ manifest, wasm, data: { imagegate: { trusted: ['registry.example.com'] } } });
  const b = await readBundle({ bytes, source: 'test' });
  t.same(b.manifest, manifest);
  t.same([...b.wasm], [...wasm]);
  t.same(b.data, { imagegate: { trusted: ['registry.example.com'] } });
});

t.test('data files under directories mount at their path and merge', async (t) => {
  const bytes = await tarGz({
    '/.manifest': JSON.stringify({ revision: '', roots: [''], wasm: [{ entrypoint: 'a/b', module: '/policy.wasm' }] }),
    '/policy.wasm': wasm,
    '/data.json': JSON.stringify({ top: 1 }),
    '/imagegate/registries/data.json': JSON.stringify({ trusted: ['a.io'] }),
    '/imagegate/grades/data.json': JSON.stringify({ minimum: 'B' }),
  });
  const b = await readBundle({ bytes, source: 'dirs.tar.gz' });
  t.same(b.data, { top: 1, imagegate: { registries: { trusted: ['a.io'] }, grades: { minimum: 'B' } } });
});

t.test('hostile or broken bundles are refused with the reason', async (t) => {
  await t.rejects(readBundle({ bytes: Buffer.from('not gzip'), source: 'x.tar.gz' }), {
    code: 'IMAGEGATE_BUNDLE_INVALID',
    message: /x\.tar\.gz: is not a gzip file/,
  });
  await t.rejects(readBundle({ bytes: await tarGz({ '/data.json': '{}' }), source: 'nowasm' }), {
    message: /has no \/policy\.wasm/,
  });
  await t.rejects(
    readBundle({ bytes: await tarGz({ '/policy.wasm': wasm, '/../../etc/data.json': '{}' }), source: 'evil' }),
    { message: /escapes the bundle root/ },
  );
  await t.rejects(readBundle({ bytes: await tarGz({ '/policy.wasm': wasm, '/.manifest': '{bad' }), source: 'm' }), {
    message: /\.manifest is not valid JSON/,
  });
  await t.rejects(
    readBundle({
      bytes: await tarGz({ '/policy.wasm': wasm, '/a/data.json': '{"x":1}', '/data.json': '{"a":{"x":2}}' }),
      source: 'dup',
    }),
    { message: /data key a\.x is defined twice/ },
  );
  const bomb = gzipSync(Buffer.alloc(300 * 1024 * 1024));
  await t.rejects(
    readBundle({ bytes: bomb, source: 'bomb' }),
    { message: /within 268435456 bytes/ },
    'a gzip bomb stops at the cap',
  );
});

t.test('policy build records the input paths its entrypoints read, for the module it built', async (t) => {
  const text =
    'package imagegate\n\nimport rego.v1\n\ndecision := {"violations": [], "warnings": [w | w := input.images[_].digest]}\n';
  const built = await compileBundle({ sources: [{ file: 'p.rego', text }] });
  const bundle = await readBundle({ bytes: built.bytes, source: 'built' });
  t.same(recordedInputPaths(bundle), { kind: 'recorded', paths: [['images', null, 'digest']] });
  t.match(bundle.manifest.metadata, { imagegate: { wasm_sha256: /^[0-9a-f]{64}$/ } });
  const tampered = new Uint8Array(bundle.wasm);
  tampered.set([(tampered.at(-1) ?? 0) ^ 1], tampered.length - 1);
  t.match(recordedInputPaths({ manifest: bundle.manifest, wasm: tampered }), { kind: 'unrecorded' });
  const garbled = { ...bundle.manifest, metadata: { imagegate: { input_paths: [[1]] } } };
  t.match(recordedInputPaths({ manifest: garbled, wasm: bundle.wasm }), {
    kind: 'unrecorded',
    reason: /not a list of paths/,
  });
});
