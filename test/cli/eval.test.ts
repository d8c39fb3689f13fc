/**
 * `policy eval` prints exactly what `opa eval` prints: values, shapes, texts, locations,
 * errors and exit codes for every kind of query (expected outputs as OPA 1.x writes them).
 */
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../../src/cli/index.js';

function io(stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (l: string) => out.push(l),
      stderr: (l: string) => err.push(l),
      ...(stdin === undefined ? {} : { stdin: async () => stdin }),
    },
  };
}

const policy = [
  'package p',
  '',
  'r := 1',
  '',
  'r := 2 if true',
  '',
  'double(x) := 2 * x',
  '',
  'allow := false',
  '',
].join('\n');

const expr = (value: unknown, text: string, row = 1, col = 1) => ({ value, text, location: { row, col } });
const result = (...rows: object[]) => ({ result: rows });

t.test('policy eval: values and shapes as opa eval -f json', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-eval-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'p.rego'), policy);
  // The path as given on the command line is the path errors name (relative here).
  const given = relative(process.cwd(), dir);
  const file = join(given, 'p.rego');

  const cases: readonly { query: string; code: number; output: object }[] = [
    // calls and arithmetic yield their value (OPA captures the output of a call of full arity)
    { query: 'count([1,2])', code: 0, output: result({ expressions: [expr(2, 'count([1,2])')] }) },
    { query: '1+1', code: 0, output: result({ expressions: [expr(2, '1+1')] }) },
    { query: 'upper("a")', code: 0, output: result({ expressions: [expr('A', 'upper("a")')] }) },
    { query: 'data.p.double(21)', code: 0, output: result({ expressions: [expr(42, 'data.p.double(21)')] }) },
    // comparisons yield their result; a lone false is printed, not undefined
    { query: '1 == 1', code: 0, output: result({ expressions: [expr(true, '1 == 1')] }) },
    { query: '1 == 2', code: 0, output: result({ expressions: [expr(false, '1 == 2')] }) },
    { query: 'data.p.allow', code: 0, output: result({ expressions: [expr(false, 'data.p.allow')] }) },
    // ...but with several expressions a false one makes the query undefined
    { query: '1 == 2; true', code: 0, output: {} },
    // assignments: value true, the variable in bindings
    { query: 'x := 1', code: 0, output: result({ expressions: [expr(true, 'x := 1')], bindings: { x: 1 } }) },
    {
      query: 'x := 1; y := x + 1',
      code: 0,
      output: result({ expressions: [expr(true, 'x := 1'), expr(true, 'y := x + 1', 1, 9)], bindings: { x: 1, y: 2 } }),
    },
    // text is the query's own slice: spacing kept, separators and trailing comments dropped
    {
      query: 'x := [1,  2] # first\n  y := count(x);',
      code: 0,
      output: result({
        expressions: [expr(true, 'x := [1,  2]'), expr(true, 'y := count(x)', 2, 3)],
        bindings: { x: [1, 2], y: 2 },
      }),
    },
    // iteration: one result per solution
    {
      query: '[1,2][_]',
      code: 0,
      output: result({ expressions: [expr(1, '[1,2][_]')] }, { expressions: [expr(2, '[1,2][_]')] }),
    },
    // void calls and negations print true
    { query: 'not false', code: 0, output: result({ expressions: [expr(true, 'not false')] }) },
    // undefined
    { query: 'data.p.nothing', code: 0, output: {} },
    // errors: OPA's codes, messages and locations; exit 2; no internal names
    {
      query: 'x',
      code: 2,
      output: {
        errors: [{ location: { file: '', row: 1, col: 1 }, message: 'var x is unsafe', code: 'rego_unsafe_var_error' }],
      },
    },
    {
      query: 'data.p.r',
      code: 2,
      output: {
        errors: [
          {
            location: { file, row: 5, col: 1 },
            message: 'complete rules must not produce multiple outputs',
            code: 'eval_conflict_error',
          },
        ],
      },
    },
    {
      query: 'x := [1,',
      code: 2,
      output: {
        errors: [
          {
            details: { line: 'x := [1,', idx: 8 },
            location: { file: '', row: 1, col: 9 },
            message: 'unexpected eof token',
            code: 'rego_parse_error',
          },
        ],
      },
    },
  ];
  for (const c of cases) {
    const r = io();
    const code = await runCli(['policy', 'eval', '-d', given, c.query], r.io);
    const text = r.out.join('\n');
    t.equal(code, c.code, `${c.query}: exit code`);
    t.same(JSON.parse(text), c.output, `${c.query}: output`);
    t.equal(text, JSON.stringify(c.output, null, 2), `${c.query}: byte for byte, in OPA's key order and indentation`);
    t.notMatch(text, /__imagegate|<query>/, `${c.query}: no internal names`);
    t.notOk(text.includes(`"${dir}`), `${c.query}: no absolute path that was not given`);
  }
});

t.test('policy eval -f raw and -f pretty print as opa does', async (t) => {
  const cases: readonly { args: string[]; out: string[]; err?: RegExp; code?: number }[] = [
    { args: ['-f', 'raw', '"a"'], out: ['a'] },
    { args: ['-f', 'raw', 'upper("a"); 1+1; {"k": "<v>"}'], out: ['A 2 {"k":"\\u003cv\\u003e"}'] },
    { args: ['-f', 'raw', '[1,2][_]'], out: ['1', '2'] },
    { args: ['-f', 'raw', 'input.nothing'], out: [] },
    { args: ['-f', 'pretty', '1+1'], out: ['2'] },
    { args: ['-f', 'pretty', '{"a": [1]}'], out: ['{\n  "a": [\n    1\n  ]\n}'] },
    { args: ['-f', 'pretty', 'input.nothing'], out: ['undefined'] },
    { args: ['-f', 'pretty', 'x := [1, 22][_]'], out: ['+----+\n| x  |\n+----+\n| 1  |\n| 22 |\n+----+'] },
    {
      args: ['-f', 'raw', 'x'],
      out: [],
      err: /^1 error occurred: 1:1: rego_unsafe_var_error: var x is unsafe$/,
      code: 2,
    },
  ];
  for (const c of cases) {
    const r = io();
    t.equal(await runCli(['policy', 'eval', ...c.args], r.io), c.code ?? 0, c.args.join(' '));
    t.same(r.out, c.out, c.args.join(' '));
    if (c.err !== undefined) t.match(r.err.join('\n'), c.err);
  }
});

t.test('policy eval --fail, --fail-defined and -I (input on stdin)', async (t) => {
  const run = async (args: string[], stdin?: string) => {
    const r = io(stdin);
    return { code: await runCli(['policy', 'eval', ...args], r.io), out: r.out.join('\n'), err: r.err.join('\n') };
  };
  t.equal((await run(['--fail', 'input.x'])).code, 1, '--fail: undefined exits 1');
  t.equal((await run(['--fail', '1 == 2'])).code, 0, '--fail: a false value is defined (as in opa)');
  t.equal((await run(['--fail-defined', '1 == 1'])).code, 1, '--fail-defined: defined exits 1');
  t.equal((await run(['--fail-defined', 'input.x'])).code, 0, '--fail-defined: undefined exits 0');
  t.equal((await run(['--fail', 'x'])).code, 2, 'errors exit 2 whatever the flag');
  const stdin = await run(['-I', '-f', 'raw', 'input.images[0].name'], '{"images": [{"name": "nginx"}]}');
  t.same([stdin.code, stdin.out], [0, 'nginx'], '-I reads JSON from stdin');
  const yaml = await run(['-I', '-f', 'raw', 'input.a + 1'], 'a: 41\n');
  t.same([yaml.code, yaml.out], [0, '42'], '-I reads YAML too');
  const both = await run(['-I', '-i', 'x.json', 'input'], '{}');
  t.equal(both.code, 2);
  t.match(both.err, /-i FILE or -I \(stdin\), not both/);
});
