import t from 'tap';
import { readFileSync } from 'node:fs';
import { compilePolicy } from '../../../src/rego/index.js';
import { loadRegoPolicy } from '../../../src/rego/builtins/index.js';
import { restrictedInputKey } from '../../../src/policy/internal.js';

const header = 'package p\n\nimport rego.v1\n\n';

function compile(body: string, entrypoints: readonly string[] = ['p/d']) {
  return compilePolicy({ sources: [{ file: 'p.rego', text: header + body }], entrypoints });
}

function paths(body: string, entrypoints?: readonly string[]) {
  return compile(body, entrypoints).inputPaths;
}

const image = (over: Record<string, unknown> = {}) => ({
  container: 'app',
  image: 'registry.example.com/team/app:1.0',
  reference: { repository: 'registry.example.com/team/app', tag: '1.0' },
  digest: 'sha256:' + 'a'.repeat(64),
  ...over,
});
const input = (over: Record<string, unknown> = {}) => ({
  request: { uid: 'u1', namespace: 'team-a', kind: { kind: 'Pod' }, userInfo: { username: 'alice' } },
  images: [image()],
  ...over,
});

t.test('iterating images and reading the digest records only the digests', async (t) => {
  t.same(paths('d contains x if { some img in input.images; x := img.digest }'), [['images', null, 'digest']]);
  t.same(paths('d contains x if x := input.images[_].digest'), [['images', null, 'digest']]);
  t.same(paths('d contains x if { some i; x := input.images[i].digest }'), [['images', null, 'digest']]);
});

t.test('a compared field is recorded to its end', async (t) => {
  t.same(paths('d if input.request.namespace == "team-a"'), [['request', 'namespace']]);
  t.same(paths('d if input.request.dryRun'), [['request', 'dryRun']]);
});

t.test('walk(input) and any built-in taking input read the whole input', async (t) => {
  t.same(paths('d contains p if walk(input, [p, _])'), [[]]);
  t.same(paths('d := count(input)'), [[]]);
  t.same(paths('d := object.get(input, ["request", "namespace"], "")'), [[]]);
});

t.test('an alias of input is followed: x := input then x.request.kind.kind', async (t) => {
  t.same(paths('d := y if { x := input; y := x.request.kind.kind }'), [['request', 'kind', 'kind']]);
});

t.test('a key computed at evaluation reads every key there', async (t) => {
  t.same(paths('d contains v if { some k; v := input[k] }'), [[null]]);
  t.same(paths('d contains v if { some k in data.keys; v := input.request[k] }'), [['request', null]]);
});

t.test('a function taking input (or part of it) as argument is followed into its body', async (t) => {
  t.same(
    paths(`ok(img) if startswith(img.reference.repository, "registry.example.com/")
d contains i.container if { some i in input.images; not ok(i) }`),
    [
      ['images', null, 'container'],
      ['images', null, 'reference', 'repository'],
    ],
  );
  t.same(
    paths(`ns(x) := x.request.namespace
d := ns(input)`),
    [['request', 'namespace']],
  );
});

t.test('with input as: the replaced value is read, and reads inside keep their paths', async (t) => {
  t.same(
    paths(
      `inner contains x if x := input.images[_].digest
d := x if x := inner with input as {"images": [{"digest": "a"}]}
e := x if x := inner with input.images as input.other`,
      ['p/d', 'p/e'],
    ),
    [['images', null, 'digest'], ['other']],
  );
});

t.test(
  'the shipped trusted-registries rule reads container, image, pointer and repository, never tags or uids',
  async (t) => {
    const text = readFileSync(new URL('../../../policies/imagegate/registries.rego', import.meta.url), 'utf8');
    const decision = readFileSync(new URL('../../../policies/imagegate/decision.rego', import.meta.url), 'utf8');
    const compiled = compilePolicy({
      sources: [
        { file: 'registries.rego', text },
        { file: 'decision.rego', text: decision },
      ],
      entrypoints: ['imagegate/decision'],
    });
    t.same(compiled.inputPaths, [
      ['images', null, 'container'],
      ['images', null, 'image'],
      ['images', null, 'pointer'],
      ['images', null, 'reference', 'repository'],
    ]);
  },
);

t.test('a policy that reads no input records no path', async (t) => {
  t.same(paths('d := data.x'), []);
});

/**
 * Soundness, observed with the stock SDK: inputs that agree on the recorded paths give the
 * same result; one that differs on them has another key.
 */
const differential: readonly {
  readonly name: string;
  readonly body: string;
  readonly same: readonly Record<string, unknown>[];
  readonly differs: readonly Record<string, unknown>[];
}[] = [
  {
    name: 'digest policy: tags, uids and extra fields do not matter; a digest or a new image does',
    body: 'd contains x if { some img in input.images; x := img.digest }',
    same: [
      input({ request: { uid: 'u2', namespace: 'team-b' } }),
      input({ images: [image({ image: 'registry.example.com/team/app:2.0', reference: { tag: '2.0' } })] }),
    ],
    differs: [
      input({ images: [image({ digest: 'sha256:' + 'b'.repeat(64) })] }),
      input({ images: [image(), image({ digest: 'sha256:' + 'c'.repeat(64) })] }),
      input({ images: [] }),
    ],
  },
  {
    name: 'presence gates a rule: a missing (or false) field differs from a present one, other fields do not',
    body: 'd if { input.request.object.spec; true }',
    same: [
      input({ request: { uid: 'u9', object: { spec: { x: 0 }, metadata: { name: 'web' } } } }),
      input({ request: { object: { spec: { x: 0 } } }, images: [] }),
    ],
    differs: [input({ request: { object: {} } }), input({ request: { object: { spec: false } } })],
  },
  {
    name: 'computed keys keep every key',
    body: 'd contains k if { some k; input.request[k] == "team-a" }',
    same: [input({ images: [] })],
    differs: [input({ request: { other: 'team-a', namespace: 'team-a' } })],
  },
];

for (const c of differential) {
  t.test(c.name, async (t) => {
    const { wasm, inputPaths } = compile(c.body);
    const policy = await loadRegoPolicy({ wasm, data: {} });
    const key = restrictedInputKey({ paths: inputPaths });
    const base = input(c.name.startsWith('presence') ? { request: { object: { spec: { x: 0 } } } } : {});
    const result = (i: unknown) => JSON.stringify(policy.evaluate(i, 'p/d'));
    for (const other of c.same) {
      t.equal(key(other), key(base), `same key: ${JSON.stringify(other)}`);
      t.equal(result(other), result(base), 'and the same result');
    }
    for (const other of c.differs) t.not(key(other), key(base), `another key: ${JSON.stringify(other)}`);
  });
}
