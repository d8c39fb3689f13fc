import t from 'tap';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  formatModule,
  parseModule,
  parseModuleResult,
  parseQueryResult,
  type ParseOptions,
} from '../../../src/rego/syntax/index.js';

function messages(source: string, options: ParseOptions = {}): string[] {
  const r = parseModuleResult(source, { file: 'deep.rego', ...options });
  return r.ok ? [] : r.errors.map((e) => `${e.loc.row}:${e.loc.col}: ${e.message}`);
}

const DEPTH_MESSAGE = `max parsing recursion depth exceeded: nesting deeper than ${DEFAULT_MAX_DEPTH} levels; flatten the policy or raise maxDepth`;

t.test('nesting up to the cap parses and formats; one more level is one clear error', async (t) => {
  const nested = (n: number): string => `package p\np := ${'['.repeat(n)}1${']'.repeat(n)}\n`;
  const ok = parseModule(nested(DEFAULT_MAX_DEPTH));
  t.match(formatModule(ok), `p := ${'['.repeat(DEFAULT_MAX_DEPTH)}1`);
  t.same(messages(nested(DEFAULT_MAX_DEPTH + 1)), [`2:${6 + DEFAULT_MAX_DEPTH + 1}: ${DEPTH_MESSAGE}`]);
});

t.test('maxDepth is configurable', async (t) => {
  t.same(messages('package p\np := [[[1]]]\n', { maxDepth: 2 }), [
    '2:9: max parsing recursion depth exceeded: nesting deeper than 2 levels; flatten the policy or raise maxDepth',
  ]);
  t.same(messages('package p\np := [[1]]\n', { maxDepth: 2 }), []);
});

t.test('hostile 100k-deep inputs fail with the depth error instead of overflowing the stack', async (t) => {
  const n = 100_000;
  const hostile: readonly [string, string][] = [
    ['arrays', '['.repeat(n)],
    ['sets/objects', '{'.repeat(n)],
    ['parentheses', '('.repeat(n)],
    ['calls', 'f('.repeat(n)],
    ['refs', 'a['.repeat(n)],
    ['comprehensions', '[x | x := '.repeat(n)],
    ['template strings', '$"{'.repeat(n)],
  ];
  for (const [name, prefix] of hostile) {
    const errors = messages(`package p\np := ${prefix}1\n`);
    t.equal(errors.length, 1, `${name}: one error`);
    t.match(errors[0] ?? '', DEPTH_MESSAGE, name);
  }
  const every = `package p\np if {\n${'every x in y {\n'.repeat(5000)}`;
  t.match(messages(every)[0] ?? '', DEPTH_MESSAGE, 'every bodies');
  const query = parseQueryResult('['.repeat(n));
  t.match(query.ok ? '' : (query.errors[0]?.message ?? ''), DEPTH_MESSAGE, 'queries');
});

t.test('a syntax error deep inside nested sets does not make backtracking explode', async (t) => {
  // Without memoisation each level retries its element parse: 2^200 steps.
  const source = `package p\np := ${'{'.repeat(200)}1 +${'}'.repeat(200)}\n`;
  const errors = messages(source);
  t.same(errors, ['2:209: unexpected } token']);
});

t.test('sources over the size cap are rejected before lexing', async (t) => {
  const pad = (bytes: number): string => `package p\n#${'x'.repeat(bytes - 12)}\n`;
  t.equal(Buffer.byteLength(pad(DEFAULT_MAX_BYTES)), DEFAULT_MAX_BYTES);
  t.same(messages(pad(DEFAULT_MAX_BYTES)), []);
  t.same(messages(pad(DEFAULT_MAX_BYTES + 1)), [
    `1:1: policy too large: ${DEFAULT_MAX_BYTES + 1} bytes exceeds the limit of ${DEFAULT_MAX_BYTES} bytes; split the policy into smaller modules or raise maxBytes`,
  ]);
  const multiByte = `package p\n# ${'é'.repeat(20)}\n`;
  t.match(
    messages(multiByte, { maxBytes: 40 })[0] ?? '',
    `policy too large: ${Buffer.byteLength(multiByte)} bytes`,
    'counted in UTF-8 bytes',
  );
});

t.test('the error list is capped', async (t) => {
  const source = `package p\n${'q if { x == }\n'.repeat(300)}`;
  const errors = messages(source, { maxErrors: 10 });
  t.equal(errors.length, 10);
  t.match(errors[9] ?? '', 'too many errors: 291 more not shown');
});
