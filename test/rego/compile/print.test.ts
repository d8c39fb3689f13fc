import t from 'tap';
import { compileProgram, isRegoCompileError, type CExpr } from '../../../src/rego/compile/index.js';
import type { RegoError } from '../../../src/rego/syntax/index.js';
import { parseModule } from '../../../src/rego/syntax/index.js';

const source = 'package a\n\np if {\n\tx := input.n\n\tprint("n is", x, input.missing)\n\tx > 1\n}\n';

function body(enablePrint?: boolean): readonly CExpr[] {
  const modules = [parseModule(source, { file: 'p.rego' })];
  const program = compileProgram(enablePrint === undefined ? { modules } : { modules, enablePrint });
  return program.rules[0]?.body ?? [];
}

function problems(src: string): readonly RegoError[] {
  try {
    compileProgram({ modules: [parseModule(src, { file: 'p.rego' })], enablePrint: true });
  } catch (err) {
    if (isRegoCompileError(err)) return err.problems;
    throw err;
  }
  return [];
}

t.test('print calls are erased by default, as opa build does', async (t) => {
  const b = body();
  t.equal(b.length, 2, 'only the assignment and the comparison are left');
  t.notOk(
    b.some((e) => e.core.type === 'call' && e.core.target.kind === 'builtin' && e.core.target.name.includes('print')),
  );
  t.equal(body(false).length, 2);
});

t.test('enabled, print(a, b, c) becomes internal.print of one set comprehension per argument', async (t) => {
  const b = body(true);
  t.equal(b.length, 3);
  const call = b.find((e) => e.core.type === 'call');
  if (call?.core.type !== 'call') {
    t.fail('no call left in the body');
    return;
  }
  t.same(call.core.target, { kind: 'builtin', name: 'internal.print' });
  t.equal(call.core.output, null, 'a statement whose result only has to be not false');
  const [arg] = call.core.args;
  if (arg?.type !== 'array') {
    t.fail('the argument is not an array');
    return;
  }
  t.same(
    arg.items.map((i) => i.type),
    ['setCompr', 'setCompr', 'setCompr'],
  );
  t.ok(b.indexOf(call) > b.findIndex((e) => e.core.type === 'unify'), 'the print runs after x is bound');
});

t.test('print inside functions, comprehensions and every compiles when enabled', async (t) => {
  const ps = problems(
    [
      'package a',
      'f(x) := y if { print("f", x); y := x + 1 }',
      'p if { xs := [v | some v in [1, 2]; print(v)]; every z in xs { print(z, f(z)) } }',
    ].join('\n'),
  );
  t.same(ps, []);
});

t.test('a print argument naming an unbound var is a safety error, not a silent <undefined>', async (t) => {
  const ps = problems('package a\n\np if {\n\tprint(y)\n}\n');
  t.ok(
    ps.some((p) => p.code === 'rego_unsafe_var_error' && p.message === 'var y is unsafe'),
    JSON.stringify(ps),
  );
});
