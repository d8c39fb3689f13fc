import t from 'tap';
import { compileProgram, isRegoCompileError } from '../../../src/rego/compile/index.js';
import { formatRegoErrors, type RegoError } from '../../../src/rego/syntax/index.js';
import { parseModule, parseQuery } from '../../../src/rego/syntax/index.js';

/** A module whose rule `allow` has one body line per entry of `lines` (row 4 onwards, column 2). */
function bodyModule(lines: readonly string[]): string {
  return `package t\n\nallow if {\n${lines.map((l) => `\t${l}`).join('\n')}\n}\n`;
}

function problems(source: string, query?: string): readonly RegoError[] {
  const modules = [parseModule(source, { file: 'p.rego' })];
  try {
    compileProgram(query === undefined ? { modules } : { modules, query: parseQuery(query) });
  } catch (err) {
    if (isRegoCompileError(err)) return err.problems;
    throw err;
  }
  return [];
}

const COLLECTION = 'any<string, array[any], object[any: any], set[any]>';
const invalid = (name: string, have: string, want: string): string =>
  `${name}: invalid argument(s)\n\thave: (${have})\n\twant: (${want})`;

interface Rejected {
  readonly name: string;
  readonly source: string;
  readonly query?: string;
  readonly message: string;
  readonly row: number;
  readonly col: number;
}

const rejected: readonly Rejected[] = [
  {
    name: 'count of a number',
    source: bodyModule(['count(1)']),
    message: invalid('count', 'number', `${COLLECTION}, number`),
    row: 4,
    col: 2,
  },
  {
    name: 'startswith with a number',
    source: bodyModule(['startswith(1, "a")']),
    message: invalid('startswith', 'number, string', 'string, string, boolean'),
    row: 4,
    col: 2,
  },
  {
    name: 'lower of an array',
    source: bodyModule(['lower(["x"])']),
    message: invalid('lower', 'array<string>', 'string, string'),
    row: 4,
    col: 2,
  },
  {
    name: 'a var assigned a number passed as a string',
    source: bodyModule(['x := 1', 'upper(x)']),
    message: invalid('upper', 'number', 'string, string'),
    row: 5,
    col: 2,
  },
  {
    name: 'plus on a string operand',
    source: bodyModule(['x := 1 + "a"']),
    message: invalid('plus', 'number, string, ???', 'number, number, number'),
    row: 4,
    col: 7,
  },
  {
    name: 'plus on two strings inside a comparison',
    source: bodyModule(['"a" + "b" == "ab"']),
    message: invalid('plus', 'string, string, ???', 'number, number, number'),
    row: 4,
    col: 2,
  },
  {
    name: 'a nested call result of the wrong type',
    source: bodyModule(['y := upper(count([1]))']),
    message: invalid('upper', 'number, ???', 'string, string'),
    row: 4,
    col: 7,
  },
  {
    name: 'a static array element',
    source: bodyModule(['xs := [1, "a"]', 'upper(xs[0])']),
    message: invalid('upper', 'number', 'string, string'),
    row: 5,
    col: 2,
  },
  {
    name: 'a nested object path',
    source: bodyModule(['x := {"a": [1]}', 'upper(x.a[0])']),
    message: invalid('upper', 'number', 'string, string'),
    row: 5,
    col: 2,
  },
  {
    name: 'some x in a typed array',
    source: bodyModule(['some x in [1, 2]', 'upper(x)']),
    message: invalid('upper', 'number', 'string, string'),
    row: 5,
    col: 2,
  },
  {
    name: 'an array comprehension element',
    source: bodyModule(['xs := [n | n := 1]', 'upper(xs[_])']),
    message: invalid('upper', 'number', 'string, string'),
    row: 5,
    col: 2,
  },
  {
    name: 'an object comprehension',
    source: bodyModule(['o := {k: v | some k, v in {"a": 1}}', 'upper(o)']),
    message: invalid('upper', 'object[any: number]', 'string, string'),
    row: 5,
    col: 2,
  },
  {
    name: 'a captured output of the wrong type',
    source: bodyModule(['n := "a"', 'count("abc", n)']),
    message: invalid('count', 'string, string', `${COLLECTION}, number`),
    row: 5,
    col: 2,
  },
  {
    name: 'sum of a mixed array',
    source: bodyModule(['sum([1, "a"])']),
    message: invalid('sum', 'array<number, string>', 'any<array[number], set[number]>, number'),
    row: 4,
    col: 2,
  },
  {
    name: 'concat of a set of numbers',
    source: bodyModule(['concat(",", {1})']),
    message: invalid('concat', 'string, set[number]', 'string, any<array[string], set[string]>, string'),
    row: 4,
    col: 2,
  },
  {
    name: 'a negated call',
    source: bodyModule(['not upper(1)']),
    message: invalid('upper', 'number', 'string, string'),
    row: 4,
    col: 2,
  },
  {
    name: 'a call inside a comprehension body',
    source: bodyModule(['xs := [y | y := upper(1)]']),
    message: invalid('upper', 'number, ???', 'string, string'),
    row: 4,
    col: 18,
  },
  {
    name: 'an array pattern binding',
    source: bodyModule(['[a, b] := [1, "s"]', 'upper(a)']),
    message: invalid('upper', 'number', 'string, string'),
    row: 5,
    col: 2,
  },
  {
    name: 'a split result element',
    source: bodyModule(['y := split("a,b", ",")', 'abs(y[1])']),
    message: invalid('abs', 'string', 'number, number'),
    row: 5,
    col: 2,
  },
  {
    name: 'a function body',
    source: 'package t\n\nf(x) := y if {\n\ty := abs("a")\n}\n',
    message: invalid('abs', 'string, ???', 'number, number'),
    row: 4,
    col: 7,
  },
  {
    name: 'a query',
    source: 'package t\n',
    query: 'x := count(true)',
    message: invalid('count', 'boolean, ???', `${COLLECTION}, number`),
    row: 1,
    col: 6,
  },
];

interface Accepted {
  readonly name: string;
  readonly source: string;
}

const accepted: readonly Accepted[] = [
  { name: 'input is any', source: bodyModule(['x := input.a', 'count(x)']) },
  { name: 'unknown data is any', source: bodyModule(['count(data.unknown)']) },
  { name: 'an array holding an input value', source: bodyModule(['x := input.flag', 'y := [1, "a", x]', 'count(y)']) },
  {
    name: 'union-typed arguments, both shapes',
    source: bodyModule(['strings.any_prefix_match("abc", ["a", "b"])', 'strings.any_prefix_match(["abc"], "a")']),
  },
  { name: 'sprintf with a mixed array', source: bodyModule(['sprintf("%v %v", [1, "a"])']) },
  { name: 'object.get with an array path', source: bodyModule(['object.get({"a": {"b": 1}}, ["a", "b"], 0)']) },
  { name: 'an element of a mixed array may be a string', source: bodyModule(['some x in ["a", 1]', 'upper(x)']) },
  {
    name: 'a var inside an array argument is widened, as OPA does',
    source: bodyModule(['x := "s"', 'sum([x])', 'abs(x)']),
  },
  { name: 'set difference with minus', source: bodyModule(['minus({1, 2}, {1})', 'x := {1} - {2}', 'count(x)']) },
  { name: 'comparisons take any operands', source: bodyModule(['x := 1', 'x != "a"', '1 < "a"']) },
  { name: 'a captured output of the right type', source: bodyModule(['count("abc", 3)']) },
  { name: 'json.unmarshal results are any', source: bodyModule(['y := json.unmarshal("[1]")', 'upper(y[0])']) },
  {
    name: 'object results are any (OPA declares object.union as any)',
    source: bodyModule(['x := object.union({"a": 1}, {"b": 2})', 'count(x)']),
  },
  { name: 'template strings are strings', source: bodyModule(['s := $"n={1 + 1}"', 'upper(s)']) },
  {
    name: 'null and boolean union members',
    source: bodyModule(['glob.match("*", null, "a")', 'to_number(null)', 'to_number(true)']),
  },
  { name: 'a set comprehension over input', source: bodyModule(['xs := {x | x := input.a[_]}', 'count(xs)']) },
  { name: 'arithmetic on array elements', source: bodyModule(['x := [1, 2]', 'x[0] + 1 > 0']) },
  { name: 'every binds any', source: bodyModule(['every x in input.xs { upper(x) }']) },
  { name: 'user function results are any', source: 'package t\n\nf(x) := x\n\nallow if {\n\tcount(f(1))\n}\n' },
  { name: 'function parameters are any', source: 'package t\n\nf(x) := upper(x)\n\ng(y) := abs(y)\n' },
  { name: 'walk outputs', source: bodyModule(['walk(input, [path, value])', 'count(path)']) },
  { name: 'string elements of split', source: bodyModule(['y := split("a,b", ",")', 'upper(y[0])']) },
  { name: 'a comprehension of calls', source: bodyModule(['ys := [upper(x) | x := ["a"][_]]', 'count(ys)']) },
];

t.test('type errors in built-in calls are reported with OPA code, message and position', async (t) => {
  for (const c of rejected) {
    const ps = problems(c.source, c.query);
    t.same(
      ps.map((p) => [p.code, p.message, p.loc.row, p.loc.col]),
      [['rego_type_error', c.message, c.row, c.col]],
      c.name,
    );
  }
});

t.test('policies OPA accepts compile', async (t) => {
  for (const c of accepted) t.same(problems(c.source), [], c.name);
});

t.test('the error text follows OPA layout', async (t) => {
  const ps = problems(bodyModule(['count(1)']));
  t.equal(
    formatRegoErrors(ps),
    `1 error occurred: p.rego:4:2: rego_type_error: ${invalid('count', 'number', `${COLLECTION}, number`)}`,
  );
});

t.test('every type error of a module is reported, in source order', async (t) => {
  const ps = problems(bodyModule(['upper(1)', 'lower(2)']));
  t.same(
    ps.map((p) => [p.message.split(':')[0], p.loc.row]),
    [
      ['upper', 4],
      ['lower', 5],
    ],
  );
});

t.test('types are checked only when the earlier stages passed, as in OPA', async (t) => {
  const ps = problems(bodyModule(['count(1)', 'y > 1']));
  t.same(
    ps.map((p) => p.code),
    ['rego_unsafe_var_error'],
  );
});

t.test('calling a non-function is a type error', async (t) => {
  const ps = problems('package t\n\nn := 1\n\nallow if {\n\tn(1)\n}\n');
  t.same(
    ps.map((p) => [p.code, p.message]),
    [['rego_type_error', 'undefined function data.t.n']],
  );
});
