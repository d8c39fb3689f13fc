import t from 'tap';
import {
  formatModule,
  formatTerm,
  parseModule,
  parseTerm,
  syntaxEqual,
  withoutLocations,
} from '../../../src/rego/syntax/index.js';

/** Formats `source` (read as `regoVersion`) and checks that the v1 text parses to the same tree. */
function roundTrip(source: string, regoVersion: 0 | 1 = 1): string {
  const first = parseModule(source, { regoVersion });
  const text = formatModule(first);
  const second = parseModule(text);
  if (!syntaxEqual({ ...first, regoVersion: 1 }, second)) {
    throw new Error(
      `tree changed:\n${text}\n${JSON.stringify(withoutLocations(first))}\n${JSON.stringify(withoutLocations(second))}`,
    );
  }
  return text;
}

t.test('canonical v1 layout', async (t) => {
  const text = roundTrip(
    'package  a.b\nimport  data.c as d\np[x]=y{y:=1;x:="k"}\nq[1]\ndefault  r=false\nf(x)=1 {x>0} else=2\n',
    0,
  );
  t.equal(
    text,
    [
      'package a.b',
      '',
      'import data.c as d',
      '',
      'p[x] = y if {',
      '\ty := 1',
      '\tx := "k"',
      '}',
      '',
      'q contains 1',
      '',
      'default r = false',
      '',
      'f(x) = 1 if {',
      '\tx > 0',
      '} else = 2',
      '',
    ].join('\n'),
  );
});

t.test('operator precedence survives with minimal parentheses', async (t) => {
  const cases: readonly [string, string][] = [
    ['(1 + 2) * 3', '(1 + 2) * 3'],
    ['1 + 2 * 3', '1 + 2 * 3'],
    ['1 - (2 - 3)', '1 - (2 - 3)'],
    ['(1 - 2) - 3', '1 - 2 - 3'],
    ['a == (b == c)', 'a == (b == c)'],
    ['(x in xs) in ys', 'x in xs in ys'],
    ['x in (xs in ys)', 'x in (xs in ys)'],
    ['[(k, v in xs)]', '[(k, v in xs)]'],
    ['f((k, v in xs))', 'f((k, v in xs))'],
    ['[(a | b), c]', '[(a | b), c]'],
    ['{(a | b): c}', '{(a | b): c}'],
    ['[(x + 1) | x := 1]', '[(x + 1) | x := 1]'],
    ['(1 + 2).x', '(1 + 2).x'],
    ['eq(a, b)', 'eq(a, b)'],
    ['plus(1, 2)', '1 + 2'],
    ['a["b-c"].d[0]', 'a["b-c"].d[0]'],
    ['$"x \\{y} {z} \\"q\\""', '$"x \\{y} {z} \\"q\\""'],
    ['`C:\\path`', '"C:\\\\path"'],
  ];
  for (const [src, want] of cases) {
    const term = parseTerm(src);
    const text = formatTerm(term);
    t.equal(text, want, src);
    t.ok(syntaxEqual(parseTerm(text), term), `${src} reparses to the same tree`);
  }
});

t.test(
  'a rule body whose first expression starts with `term |` is protected from the set-comprehension reading',
  async (t) => {
    for (const body of ['(a | b)', '(a | b) == c\n\tx', '(a | b) := c', '({1} | s) == s']) {
      const text = roundTrip(`package p\n\np if {\n\t${body}\n}\n`);
      t.match(text, /p if \{\n\t\(/, body);
    }
  },
);

t.test('comments are kept in order; METADATA blocks stay with their rule', async (t) => {
  const source = [
    '# METADATA',
    '# title: the package',
    'package p # after package',
    '',
    '# before rule',
    '# METADATA',
    '# title: allow',
    '# custom:',
    '#   severity: high',
    'allow if { # on the head line',
    '\t# inside',
    '\tinput.x == 1 # trailing',
    '\tevery y in input.ys {',
    '\t\t# deep',
    '\t\ty > 0',
    '\t}',
    '\t# before closing brace',
    '} else := false',
    '',
    '# at the end',
    '',
  ].join('\n');
  const text = roundTrip(source);
  const m = parseModule(source);
  t.same(
    m.package.annotations.map((a) => a.text),
    ['title: the package'],
  );
  t.same(
    m.rules[0]?.annotations.map((a) => a.text),
    ['title: allow\ncustom:\n  severity: high'],
  );
  t.same(
    parseModule(text).comments.map((c) => c.text),
    m.comments.map((c) => c.text),
  );
  t.match(text, 'package p # after package');
  t.match(text, '\tinput.x == 1 # trailing');
  t.match(text, '# METADATA\n# title: allow\n# custom:\n#   severity: high\nallow if { # on the head line');
});

t.test('formatting is idempotent', async (t) => {
  const source =
    'package p\n\nimport rego.v1\n\nx := {"a": [1, {2}], "b": set()}\n\ny contains z if {\n\tsome z in x.a\n\tnot z == 1 with input as 2\n}\n';
  const once = roundTrip(source);
  t.equal(formatModule(parseModule(once)), once);
});
