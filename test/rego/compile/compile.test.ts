import t from 'tap';
import { compileProgram, isRegoCompileError } from '../../../src/rego/compile/index.js';
import type { RegoError } from '../../../src/rego/syntax/index.js';
import { parseModule, parseQuery } from '../../../src/rego/syntax/index.js';

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

t.test('unsafe vars are reported with OPA code, message and position', async (t) => {
  const ps = problems('package a\n\np if {\n\tx > 1\n}\n');
  t.same(
    ps.map((p) => [p.code, p.message, p.loc.row, p.loc.col]),
    [['rego_unsafe_var_error', 'var x is unsafe', 4, 2]],
  );
});

t.test('an unsafe head var is reported at the head', async (t) => {
  const ps = problems('package a\n\np contains y if {\n\tinput.x = 1\n}\n');
  t.same(
    ps.map((p) => [p.code, p.message, p.loc.row]),
    [['rego_unsafe_var_error', 'var y is unsafe', 3]],
  );
});

t.test('bodies are reordered for safety instead of rejected', async (t) => {
  const modules = [parseModule('package a\n\np if {\n\tx > 1\n\tx = input.n\n}\n', { file: 'p.rego' })];
  const program = compileProgram({ modules });
  const [rule] = program.rules;
  t.equal(rule?.body[0]?.core.type, 'unify', 'the assignment now runs first');
  t.equal(rule?.body[1]?.core.type, 'call');
});

t.test('recursion is rejected', async (t) => {
  const ps = problems('package a\n\np if q\n\nq if p\n');
  t.ok(ps.length > 0);
  t.ok(ps.every((p) => p.code === 'rego_recursion_error'));
  t.match(ps[0]?.message, /data\.a\.(p|q) -> data\.a\.(p|q) -> data\.a\.(p|q)/);
});

t.test('undefined functions are type errors', async (t) => {
  const ps = problems('package a\n\np if {\n\tnope(1)\n}\n');
  t.same(
    ps.map((p) => [p.code, p.message, p.loc.row, p.loc.col]),
    [['rego_type_error', 'undefined function nope', 4, 2]],
  );
});

t.test('wrong arity of a built-in is a type error', async (t) => {
  const ps = problems('package a\n\np if {\n\tcount(1, 2, 3)\n}\n');
  t.equal(ps.length, 1);
  t.equal(ps[0]?.code, 'rego_type_error');
  t.match(ps[0]?.message, /^count: too many arguments/);
});

t.test('wrong arity of a user function is a type error', async (t) => {
  const ps = problems('package a\n\nf(x) := x\n\np if {\n\tf()\n}\n');
  t.equal(ps[0]?.code, 'rego_type_error');
  t.match(ps[0]?.message, /data\.a\.f: arity mismatch/);
});

t.test(':= may not redeclare a var in the same scope', async (t) => {
  const ps = problems('package a\n\np if {\n\tx := 1\n\tx := 2\n}\n');
  t.same(
    ps.map((p) => [p.code, p.message, p.loc.row]),
    [['rego_compile_error', 'var x assigned above', 5]],
  );
});

t.test('network built-ins are rejected for admission policies', async (t) => {
  const ps = problems(
    'package a\n\np if {\n\thttp.send({"url": "http://x"}, r)\n}\n\nq := net.lookup_ip_addr("x")\n\nr := opa.runtime()\n',
  );
  t.same(
    ps.map((p) => [p.code, p.loc.row, p.loc.col]),
    [
      ['rego_type_error', 4, 2],
      ['rego_type_error', 7, 6],
    ],
  );
  t.match(ps[0]?.message, /^built-in http\.send is not supported by imagegate: network access/);
  t.match(ps[1]?.message, /^built-in net\.lookup_ip_addr is not supported by imagegate: network access \(DNS\)/);
});

t.test('names OPA does not know are undefined functions; names imagegate refuses say why', async (t) => {
  const ps = problems('package a\n\np := nope.f(1)\n\nq := graphql.parse_query("{ a }")\n');
  t.same(
    ps.map((p) => [p.code, p.message, p.loc.row]),
    [
      ['rego_type_error', 'undefined function nope.f', 3],
      [
        'rego_type_error',
        'built-in graphql.parse_query is not supported by imagegate: imagegate ships no GraphQL parser',
        5,
      ],
    ],
  );
});

t.test('all errors are collected into one ImagegateError with OPA-style text', async (t) => {
  const modules = [parseModule('package a\n\np if { x > 1 }\n\nq if { nope(2) }\n', { file: 'p.rego' })];
  try {
    compileProgram({ modules });
    t.fail('expected an error');
  } catch (err) {
    t.ok(isRegoCompileError(err));
    if (!isRegoCompileError(err)) return;
    t.equal(err.code, 'IMAGEGATE_REGO_COMPILE');
    t.equal(
      err.message,
      '2 errors occurred:\np.rego:3:8: rego_unsafe_var_error: var x is unsafe\np.rego:5:8: rego_type_error: undefined function nope',
    );
  }
});

t.test('a some-declared var that is never used is rejected', async (t) => {
  const ps = problems('package a\n\np if {\n\tsome x\n\tinput.y\n}\n');
  t.same(
    ps.map((p) => [p.code, p.message, p.loc.row]),
    [['rego_compile_error', 'declared var x unused', 4]],
  );
});

t.test('unsupported built-ins are rejected with the reason', async (t) => {
  const ps = problems('package a\n\np := rand.intn("x", 10)\n');
  t.equal(ps[0]?.code, 'rego_type_error');
  t.match(ps[0]?.message, /rand\.intn is not supported by imagegate: non-deterministic/);
});

t.test('print calls are erased', async (t) => {
  t.same(problems('package a\n\np if {\n\tprint("x", input.y)\n}\n'), []);
});

t.test('conflicting rule kinds and duplicate defaults are rejected', async (t) => {
  t.match(
    problems('package a\n\np := 1\n\np contains 2\n').map((p) => p.message),
    ['conflicting rules data.a.p found'],
  );
  t.match(
    problems('package a\n\ndefault p := 1\n\ndefault p := 2\n').map((p) => p.message),
    ['multiple default rules data.a.p found'],
  );
});

t.test('imports and package rules resolve to data refs; query vars keep their names', async (t) => {
  const modules = [
    parseModule('package lib\n\nallowed := {"a"}\n', { file: 'lib.rego' }),
    parseModule('package main\n\nimport data.lib.allowed as ok\n\np if { some x in input.xs; ok[x] }\n', {
      file: 'main.rego',
    }),
  ];
  const program = compileProgram({ modules, query: parseQuery('data.main.p = result; some i; _ = input.xs[i]') });
  t.same(program.query?.vars.map((v) => v.display).sort(), ['i', 'result'], 'wildcards are not query vars');
  const main = program.rules.find((r) => r.path.join('.') === 'main.p');
  const refs = JSON.stringify(main?.body);
  t.match(refs, /"dataRef"/);
  t.match(refs, /"lib"/);
  t.match(refs, /"allowed"/);
});

t.test('compiling a small module is fast enough for admission reloads', async (t) => {
  const source =
    'package k8s\n\ndeny contains msg if {\n\tsome c in input.request.object.spec.containers\n\tnot startswith(c.image, "registry.local/")\n\tmsg := sprintf("image %s not allowed", [c.image])\n}\n';
  const modules = [parseModule(source, { file: 'k.rego' })];
  const program = compileProgram({ modules });
  t.equal(program.rules.length, 1);
});
