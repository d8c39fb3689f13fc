import t from 'tap';
import { ImagegateError, isImagegateError } from '../../../src/errors/index.js';
import {
  isRegoParseError,
  parseModule,
  parseModuleResult,
  parseQuery,
  REGO_PARSE_ERROR_CODE,
  type RegoError,
} from '../../../src/rego/syntax/index.js';

function errorsOf(source: string, regoVersion: 0 | 1 = 1): string[] {
  const result = parseModuleResult(source, { file: 'policy.rego', regoVersion });
  if (result.ok) return [];
  return result.errors.map((e) => `${e.loc.file}:${e.loc.row}:${e.loc.col}: ${e.code}: ${e.message}`);
}

/** Broken inputs with the exact file:row:col and message OPA's parser gives for each. */
const BROKEN: readonly (readonly [string, string, string])[] = [
  [
    'stray closing brace',
    'package p\n\np if {\n  x := 1\n  }\n}\n',
    'policy.rego:6:1: rego_parse_error: unexpected } token',
  ],
  [
    'unclosed array',
    'package p\np := [1, 2\nq := 1\n',
    'policy.rego:3:1: rego_parse_error: unexpected identifier token: expected "," or "]"',
  ],
  ['unterminated string', 'package p\np := "abc\n', 'policy.rego:2:6: rego_parse_error: non-terminated string'],
  [
    'leading zero',
    'package p\np if { x := 01 }\n',
    'policy.rego:2:13: rego_parse_error: unexpected number token: expected number without leading zero',
  ],
  ['missing fraction', 'package p\np if { x := 1. }\n', 'policy.rego:2:13: rego_parse_error: expected fraction'],
  [
    'negated some',
    'package p\np if { not some x }\n',
    "policy.rego:2:12: rego_parse_error: unexpected some keyword: illegal negation of 'some'",
  ],
  ['no package', 'p := 1\n', 'policy.rego:1:1: rego_parse_error: package expected'],
  [
    'bad import root',
    'package p\nimport foo.bar\n',
    'policy.rego:2:8: rego_parse_error: unexpected import path, must begin with one of: {data, future, input, rego}, got: foo (hint: if this is unexpected, try updating OPA)',
  ],
  [
    'else on non-ground head',
    'package p\np[x] := 1 if { x := 1 } else := 2\n',
    'policy.rego:2:25: rego_parse_error: else keyword cannot be used on rules with variables in head',
  ],
  [
    'assignment in template',
    'package p\np := $"{x := 1}"\n',
    "policy.rego:2:9: rego_parse_error: unexpected assignment (':=') in template-string expression",
  ],
  ['illegal character', 'package p\np := x @ y\n', 'policy.rego:2:8: rego_parse_error: illegal token'],
  [
    'every without body',
    'package p\n\np if {\n\tevery x in xs\n}\n',
    'policy.rego:5:1: rego_parse_error: unexpected } token: missing body',
  ],
  ['columns count code points', 'package p\np := "😀" + @\n', 'policy.rego:2:12: rego_parse_error: illegal token'],
  [
    'tabs count as one column',
    'package p\np if {\n\tx := }\n',
    'policy.rego:3:7: rego_parse_error: unexpected } token',
  ],
  ['bare var statement', 'package p\np\n', 'policy.rego:2:1: rego_parse_error: var cannot be used for rule name'],
  [
    'value hint',
    'package p\np :=\n',
    'policy.rego:3:1: rego_parse_error: unexpected eof token: expected rule value term (e.g., p := <VALUE> { ... })',
  ],
  ['lone bang', 'package p\np if { x ! y }\n', 'policy.rego:2:10: rego_parse_error: illegal ! character'],
  ['number too big', 'package p\np := 1e100000\n', 'policy.rego:2:6: rego_parse_error: number too big'],
];

t.test('errors are located like OPA locates them', async (t) => {
  for (const [name, source, want] of BROKEN) t.same(errorsOf(source), [want], name);
});

t.test('parsing continues after an error and reports every broken statement', async (t) => {
  const source = ['package p', '', 'a if { x == }', '', 'b := [1,', '', 'c := 1', '', 'd if { y := 1 +  }', ''].join(
    '\n',
  );
  t.same(errorsOf(source), [
    'policy.rego:3:13: rego_parse_error: unexpected } token',
    'policy.rego:7:3: rego_parse_error: unexpected assign token: expected "," or "]"',
    'policy.rego:9:18: rego_parse_error: unexpected } token',
  ]);
});

t.test('Rego v1 rules reports both OPA messages for a v0 partial set', async (t) => {
  t.same(errorsOf('package p\n\np[x] {\n\tx := 1\n}\n'), [
    'policy.rego:3:1: rego_parse_error: `if` keyword is required before rule body',
    'policy.rego:3:1: rego_parse_error: `contains` keyword is required for partial set rules',
  ]);
  t.same(errorsOf('package p\nf(x) { x }\n'), [
    'policy.rego:2:1: rego_parse_error: `if` keyword is required before function body',
  ]);
  t.same(errorsOf('package p\np if { false } else { true }\n'), [
    'policy.rego:2:16: rego_parse_error: `if` keyword is required before rule body',
  ]);
  t.same(errorsOf('package p\na.b.c\n'), [
    'policy.rego:2:1: rego_parse_error: rule must have value assignment and/or body declaration',
  ]);
  t.same(errorsOf('package p\ncontains := 1\n'), [
    'policy.rego:2:1: rego_parse_error: contains keyword cannot be used for rule name',
  ]);
});

t.test('deprecated built-ins are errors in v1 unless the module defines the name', async (t) => {
  t.same(errorsOf('package p\nq := any([true])\n'), [
    'policy.rego:2:6: rego_type_error: deprecated built-in function calls in expression: any',
  ]);
  t.same(errorsOf('package p\nq := net.cidr_overlap("a", "b")\n'), [
    'policy.rego:2:6: rego_type_error: deprecated built-in function calls in expression: net.cidr_overlap',
  ]);
  t.same(errorsOf('package p\nall(xs) := true if { true }\nq := all([1])\n'), []);
  t.same(errorsOf('package p\nq := any([true])\n', 0), [], 'allowed in v0');
});

t.test('the thrown error is an ImagegateError listing errors as OPA prints them', async (t) => {
  const one = t.throws(() => parseModule('package p\n\np if {\n    x := 1\n    }\n}\n', { file: 'policy.rego' }));
  t.ok(isImagegateError(one, REGO_PARSE_ERROR_CODE));
  t.ok(one instanceof ImagegateError);
  t.equal(
    one instanceof Error ? one.message : '',
    '1 error occurred: policy.rego:6:1: rego_parse_error: unexpected } token',
  );

  const many = t.throws(() => parseModule('package p\na if { x == }\nb if { y == }\n', { file: 'policy.rego' }));
  t.equal(
    many instanceof Error ? many.message : '',
    '2 errors occurred:\npolicy.rego:2:13: rego_parse_error: unexpected } token\npolicy.rego:3:13: rego_parse_error: unexpected } token',
  );
  t.ok(isRegoParseError(many));
  const list: readonly RegoError[] = isRegoParseError(many) ? many.errors : [];
  t.same(
    list.map((e) => [e.code, e.loc.row, e.loc.col]),
    [
      ['rego_parse_error', 2, 13],
      ['rego_parse_error', 3, 13],
    ],
  );
});

t.test('without a file name the location prints as row:col, like OPA', async (t) => {
  const err = t.throws(() => parseQuery('x := '));
  t.equal(err instanceof Error ? err.message : '', '1 error occurred: 1:6: rego_parse_error: unexpected eof token');
});

t.test('empty inputs are errors', async (t) => {
  t.same(errorsOf(''), ['policy.rego:1:1: rego_parse_error: empty module']);
  t.same(errorsOf('# only a comment\n'), ['policy.rego:1:1: rego_parse_error: empty module']);
  t.throws(() => parseQuery('  '), { code: REGO_PARSE_ERROR_CODE });
});

t.test('import checks', async (t) => {
  t.same(errorsOf('package p\nimport rego.v2\n'), [
    'policy.rego:2:8: rego_parse_error: invalid import `rego.v2`, must be `rego.v1`',
  ]);
  t.same(errorsOf('package p\nimport future.keywords.nope\n'), [
    'policy.rego:2:8: rego_parse_error: unexpected keyword, must be one of [contains every if in]',
  ]);
  t.same(errorsOf('package p\nimport future.keywords as fk\n', 0), [
    'policy.rego:2:8: rego_parse_error: `future` imports cannot be aliased',
  ]);
  t.same(errorsOf('package p\nimport data.x.in\n'), [
    'policy.rego:2:15: rego_parse_error: unexpected import path, must not end with a keyword, got: in (hint: import a different path or use an alias)',
  ]);
  t.same(errorsOf('package p\nimport data.x.in as y\n'), []);
});

t.test('default rule checks', async (t) => {
  t.same(errorsOf('package p\ndefault p := input.x\n'), [
    'policy.rego:2:1: rego_parse_error: illegal default rule (value cannot contain ref)',
  ]);
  t.same(errorsOf('package p\ndefault f(1) := 1\n'), [
    'policy.rego:2:1: rego_parse_error: illegal default rule (arguments cannot contain number)',
  ]);
  t.same(errorsOf('package p\ndefault f(x, x) := 1\n'), [
    'policy.rego:2:1: rego_parse_error: illegal default rule (arguments cannot be repeated x)',
  ]);
  t.same(errorsOf('package p\ndefault p contains 1\n'), [
    'policy.rego:2:1: rego_parse_error: illegal default rule (must have a value)',
  ]);
  t.same(errorsOf('package p\ndefault p := [x | x := 1]\ndefault f(_, _) := 1\n'), []);
});
