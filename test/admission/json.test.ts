import t from 'tap';
import { parseStrictJson } from '../../src/admission/internal.js';

const parse = (text: string) => parseStrictJson({ text, maxDepth: 8 });

t.test('duplicate keys are found through escapes, in nested objects, and not across objects', async (t) => {
  t.throws(
    () => parse('{"a\\\\":1,"a\\\\":2}'),
    { code: 'IMAGEGATE_REQUEST_MALFORMED', message: /duplicate key "a\\\\"/ },
    'key ending in a backslash',
  );
  t.throws(
    () => parse('{"a\\"b":1,"a\\"b":2}'),
    { message: /duplicate key "a\\"b"/ },
    'key containing an escaped quote',
  );
  t.throws(
    () => parse('{"x":{"k":1,"\\u006b":2}}'),
    { message: /duplicate key "k"/ },
    'unicode escape of the same key',
  );
  t.same(parse('{"x":{"k":1},"y":{"k":2}}'), { x: { k: 1 }, y: { k: 2 } }, 'the same key in two objects is fine');
  t.same(
    parse('{"s":"\\"k\\":1,\\"k\\":2","k":3}'),
    { s: '"k":1,"k":2', k: 3 },
    'keys inside string values are not keys',
  );
  t.same(parse('[{"k":1},{"k":2}]'), [{ k: 1 }, { k: 2 }]);
  t.throws(() => parse('{"a" :1,"s":"x:y","a"\n:\t2}'), { message: /duplicate key "a"/ }, 'whitespace around colons');
  t.throws(() => parse('{"__proto__":1,"__proto__":2}'), { message: /duplicate key "__proto__"/ }, '__proto__');
  t.throws(
    () => parse('{"l":[{"a":{"b":1}},{"a":{"b":1,"c":2,"b":3}}],"u":"::::"}'),
    { message: /duplicate key "b" at offset 38/ },
    'deep in an array, colons in strings elsewhere',
  );
  t.same(parse('{"a:b":":","c" : {"d":"\\":"}}'), { 'a:b': ':', c: { d: '":' } }, 'colons inside strings are not keys');
});

t.test('depth is capped before anything is built', async (t) => {
  t.same(parse(`${'['.repeat(8)}${']'.repeat(8)}`), [[[[[[[[]]]]]]]]);
  t.throws(() => parse(`${'['.repeat(9)}${']'.repeat(9)}`), { message: /nesting deeper than 8 levels at offset 8/ });
  t.throws(
    () => parse('{"a":"[[[[[[[[[[[["'.concat(',"b":', '{'.repeat(9), '}'.repeat(10))),
    { message: /nesting deeper than 8/ },
    'brackets inside strings do not count, real ones do',
  );
});

t.test('broken JSON is reported, never thrown raw', async (t) => {
  for (const text of ['{"a":', '{"a":"unterminated', '', 'nul', '{"a":1}}', '\u0000']) {
    t.throws(() => parse(text), { code: 'IMAGEGATE_REQUEST_MALFORMED' }, JSON.stringify(text));
  }
});
