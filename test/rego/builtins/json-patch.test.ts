/** json.patch with OPA's semantics, through the alias the module calls (Rego value text in and out). */
import t from 'tap';
import { rawHostBuiltins } from '../../../src/rego/builtins/index.js';
import { HOST_ALIASES } from '../../../src/rego/catalogue/index.js';

const host = rawHostBuiltins();
const aliasName = HOST_ALIASES['json.patch'] ?? '';
const alias = host[aliasName];
const plain = host['json.patch'];

/** The alias applied to Rego value texts; returns the result text (undefined: no result). */
function patch(doc: string, ops: string): unknown {
  if (alias === undefined) throw new Error('no json.patch alias');
  return alias(doc, ops);
}

t.test('sets: the element is its own key', async (t) => {
  t.equal(patch('{"foo": {"a", "b", "c"}}', '[{"op": "remove", "path": "foo/b"}]'), '{"foo":{"a","c"}}');
  t.equal(
    patch('{"foo": {"a", "b", "c"}}', '[{"op": "add", "path": "/foo/d", "value": "d"}]'),
    '{"foo":{"a","b","c","d"}}',
  );
  t.equal(
    patch('{"foo": {"a"}}', '[{"op": "add", "path": "foo/d", "value": "e"}]'),
    undefined,
    'the key must equal the value',
  );
  t.equal(
    patch('{"foo": {"a", "b"}, "bar": {"c", "d"}}', '[{"op": "move", "from": "foo/a", "path": "bar/a"}]'),
    '{"foo":{"b"},"bar":{"a","c","d"}}',
  );
  t.equal(
    patch('{[1]}', '[{"op": "add", "path": [[1], 1], "value": 2}]'),
    '{[1,2]}',
    'descends through a composite element',
  );
  t.equal(patch('{"s": {"a"}}', '[{"op": "remove", "path": "s/a"}]'), '{"s":set()}');
  t.equal(patch('{"s": {"a"}}', '[{"op": "remove", "path": "s/z"}]'), undefined, 'removing a missing element fails');
  t.equal(
    patch(
      '{"s": {"b"}}',
      '[{"op": "add", "path": "s/a", "value": "a"}, {"op": "test", "path": "s", "value": {"a", "b"}}]',
    ),
    '{"s":{"a","b"}}',
    'test compares sets',
  );
  t.equal(
    patch('{"s": {1, 2}}', '[{"op": "add", "path": ["s", 3], "value": 3}]'),
    '{"s":{1,2,3}}',
    'non-string elements via array paths',
  );
});

t.test('values with sets can be added', async (t) => {
  t.equal(patch('{}', '[{"op": "add", "path": "x", "value": {1, "a"}}]'), '{"x":{1,"a"}}');
  t.equal(patch('[]', '[{"op": "add", "path": "-", "value": set()}]'), '[set()]');
});

t.test('arrays and objects follow RFC 6902 as OPA reads it', async (t) => {
  t.equal(patch('{"a": [1, 2]}', '[{"op": "add", "path": "/a/-", "value": 3}]'), '{"a":[1,2,3]}');
  t.equal(patch('{"a": [1, 2]}', '[{"op": "add", "path": "/a/0", "value": 0}]'), '{"a":[0,1,2]}');
  t.equal(patch('{"a": [1, 2]}', '[{"op": "remove", "path": "/a/01"}]'), undefined, 'leading zero');
  t.equal(patch('{"a": [1, 2]}', '[{"op": "remove", "path": "/a/3"}]'), undefined, 'out of range');
  t.equal(patch('{"a": [1, 2]}', '[{"op": "remove", "path": ["a", 1]}]'), '{"a":[1]}', 'number segment');
  t.equal(
    patch('{"a": [1, 2]}', '[{"op": "replace", "path": "//a/1", "value": 5}]'),
    '{"a":[1,5]}',
    'every leading slash is trimmed',
  );
  t.equal(
    patch('{"a": 1}', '[{"op": "replace", "path": "b", "value": 5}]'),
    undefined,
    'replace needs an existing member',
  );
  t.equal(
    patch('{"a": {"b": 1}}', '[{"op": "copy", "from": "a", "path": "c"}, {"op": "test", "path": "c/b", "value": 1}]'),
    '{"a":{"b":1},"c":{"b":1}}',
  );
  t.equal(patch('{"a~b": 1, "c/d": 2}', '[{"op": "remove", "path": "a~0b"}, {"op": "remove", "path": "c~1d"}]'), '{}');
  t.equal(patch('{"a": 1}', '[{"op": "test", "path": "a", "value": 2}]'), undefined, 'failed test');
  t.equal(patch('{"a": 1}', '[{"op": "frobnicate", "path": "a"}]'), undefined, 'unknown op');
  t.equal(patch('{"a": 1}', '{{"op": "remove", "path": "a"}}'), undefined, 'patches must be an array, not a set');
});

t.test('the root', async (t) => {
  t.equal(patch('{"a": 1}', '[{"op": "add", "path": "", "value": [1]}]'), '[1]');
  t.equal(patch('{"a": 1}', '[{"op": "remove", "path": ""}]'), undefined, 'a removed root has no value');
  t.equal(
    patch('{"a": 1}', '[{"op": "remove", "path": ""}, {"op": "add", "path": "", "value": 2}]'),
    '2',
    'a removed root can be added again',
  );
  t.equal(patch('5', '[{"op": "add", "path": "x", "value": 2}]'), undefined, 'scalars have no members');
});

t.test('big integers stay exact', async (t) => {
  t.equal(
    patch('{"n": 123456789123456789123}', '[{"op": "copy", "from": "n", "path": "m"}]'),
    '{"n":123456789123456789123,"m":123456789123456789123}',
  );
});

t.test('the plain name takes and returns JSON values', async (t) => {
  t.same(plain?.({ a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }]), { a: [1, 2] });
});

t.test('many operations and deep paths: edits are in place on copies, walks are loops', async (t) => {
  const ops = Array.from({ length: 10_000 }, (_, i) => ({ op: 'add', path: `/k${i}`, value: i }));
  const doc = { keep: true };
  const out = plain?.(doc, [...ops, { op: 'remove', path: '/k0' }, { op: 'replace', path: '/k1', value: 'one' }]);
  t.ok(typeof out === 'object' && out !== null && !Array.isArray(out), 'an object');
  const o = out as Record<string, unknown>;
  t.equal(Object.keys(o).length, 10_000, 'keep + k1..k9999');
  t.equal(o.k1, 'one');
  t.equal(o.k9999, 9999);
  t.notOk('k0' in o, 'k0 removed');
  t.same(doc, { keep: true }, 'the input document is not modified');
  let deep: unknown = 1;
  for (let i = 0; i < 20_000; i++) deep = { a: deep };
  const path = `/${Array.from({ length: 20_000 }, () => 'a').join('/')}`;
  let got = plain?.(deep, [{ op: 'replace', path, value: 2 }]);
  for (let i = 0; i < 20_000 && typeof got === 'object' && got !== null; i++) got = (got as Record<string, unknown>).a;
  t.equal(got, 2, 'a 20,000-segment path replaces the innermost value');
});

t.test('copy shares no container with later in-place edits', async (t) => {
  t.equal(
    patch(
      '{"a": {"x": 1}}',
      '[{"op": "add", "path": "/a/y", "value": 2}, {"op": "copy", "from": "/a", "path": "/b"}, {"op": "add", "path": "/b/z", "value": 3}]',
    ),
    '{"a":{"x":1,"y":2},"b":{"x":1,"y":2,"z":3}}',
  );
  t.equal(
    patch(
      '[[1]]',
      '[{"op": "add", "path": "/0/-", "value": 2}, {"op": "copy", "from": "/0", "path": "/-"}, {"op": "remove", "path": "/1/0"}]',
    ),
    '[[1,2],[2]]',
  );
});
