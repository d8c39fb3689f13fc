import t from 'tap';
import type { Block, IrPolicy, Stmt } from '../../../src/rego/ir/index.js';
import { compileProgram } from '../../../src/rego/compile/index.js';
import { planPolicy } from '../../../src/rego/plan/index.js';
import { parseModule, parseQuery } from '../../../src/rego/syntax/index.js';

function plan(source: string, entry: string | { query: string }): IrPolicy {
  const modules = [parseModule(source, { file: 'p.rego' })];
  if (typeof entry === 'string')
    return planPolicy({ program: compileProgram({ modules }), entrypoints: [{ kind: 'path', path: entry }] });
  const program = compileProgram({ modules, query: parseQuery(entry.query) });
  return planPolicy({ program, entrypoints: [{ kind: 'query' }] });
}

function stmts(blocks: readonly Block[]): Stmt[] {
  const out: Stmt[] = [];
  for (const b of blocks) {
    for (const s of b.stmts) {
      out.push(s);
      if (s.type === 'BlockStmt') out.push(...stmts(s.blocks));
      if (s.type === 'ScanStmt' || s.type === 'NotStmt' || s.type === 'WithStmt') out.push(...stmts([s.block]));
    }
  }
  return out;
}

t.test('an entrypoint plan calls the rule function and returns {"result": v}', async (t) => {
  const ir = plan('package a\n\np := 1 if input.x == 2\n', 'a/p');
  t.same(
    ir.plans.map((p) => p.name),
    ['a/p'],
  );
  t.same(
    ir.funcs.map((f) => f.name),
    ['g0.data.a.p'],
  );
  t.same(ir.funcs[0]?.params, [0, 1]);
  const planStmts = stmts(ir.plans[0]?.blocks ?? []);
  t.ok(planStmts.some((s) => s.type === 'CallStmt' && s.func === 'g0.data.a.p'));
  t.ok(planStmts.some((s) => s.type === 'ResultSetAddStmt'));
  t.ok(ir.static.strings.includes('result'));
  t.same(
    ir.static.builtinFuncs.map((b) => [b.name, b.arity]),
    [['equal', 2]],
  );
});

t.test('partial sets start from an empty set and add each element', async (t) => {
  const ir = plan('package a\n\ns contains x if { some x in input.xs }\n', 'a/s');
  const f = ir.funcs[0];
  t.equal(f?.blocks[0]?.stmts[0]?.type, 'MakeSetStmt');
  const all = stmts(f?.blocks ?? []);
  t.ok(
    all.some((s) => s.type === 'ScanStmt'),
    'iteration is a scan',
  );
  t.ok(all.some((s) => s.type === 'SetAddStmt'));
  t.equal(ir.static.builtinFuncs.length, 0);
});

t.test('functions take input, data and their arguments', async (t) => {
  const ir = plan('package a\n\nf(x, y) := x + y\n\np := f(1, 2)\n', 'a/p');
  const f = ir.funcs.find((x) => x.name === 'g0.data.a.f');
  t.same(f?.params, [0, 1, 3, 4]);
  t.equal(f?.return, 2);
  t.same(
    ir.static.builtinFuncs.map((b) => b.name),
    ['plus'],
  );
});

t.test('conflicts use the Once statements', async (t) => {
  const ir = plan('package a\n\np := 1\n\np := 2\n\no[k] := 1 if { some k in input.ks }\n', 'a');
  const all = ir.funcs.flatMap((f) => stmts(f.blocks));
  t.ok(
    all.some((s) => s.type === 'AssignVarOnceStmt'),
    'complete rules',
  );
  t.ok(
    all.some((s) => s.type === 'ObjectInsertOnceStmt'),
    'partial objects',
  );
});

t.test('a query plan binds the named query vars only', async (t) => {
  const ir = plan('package a\n\nxs := [1, 2]\n', { query: 'data.a.xs[i] = v; _ = i' });
  t.same(
    ir.plans.map((p) => p.name),
    ['eval'],
  );
  const inserted = stmts(ir.plans[0]?.blocks ?? []).flatMap((s) =>
    s.type === 'ObjectInsertStmt' && s.key.type === 'string_index' ? [ir.static.strings[s.key.value]] : [],
  );
  t.same(inserted.sort(), ['i', 'v']);
});

t.test('with on input emits WithStmt and restores the original for the rest of the body', async (t) => {
  const ir = plan('package a\n\nq := input.x\n\np if {\n\tq == 1 with input.x as 1\n\tinput.y\n}\n', 'a/p');
  const withs = ir.funcs.flatMap((f) => stmts(f.blocks)).filter((s) => s.type === 'WithStmt');
  t.equal(withs.length, 2, 'one replacement, one restore');
});

t.test('with on a rule path or a function re-plans the rules reached under it in a new generation', async (t) => {
  const ir = plan(
    'package a\n\nq := 1\n\nf(x) := x\n\ng(x) := 2\n\nr := f(1)\n\np if {\n\tr == 2 with f as g\n\tq == 3 with data.a.q as 3\n}\n',
    'a/p',
  );
  const names = ir.funcs.map((f) => f.name).sort();
  t.ok(names.includes('g0.data.a.p'));
  t.ok(
    names.some((n) => /^g[1-9]\d*\.data\.a\.r$/.test(n)),
    `r is planned again under the mock (${names.join(', ')})`,
  );
  t.notOk(
    names.some((n) => /^g[1-9]\d*\.data\.a\.q$/.test(n)),
    'a replaced rule is read from the patched data, not called',
  );
  const calls = ir.funcs.flatMap((f) => stmts(f.blocks)).flatMap((s) => (s.type === 'CallStmt' ? [s.func] : []));
  t.ok(
    calls.some((c) => /^g0\.data\.a\.g$/.test(c)),
    'the replacement runs unmocked',
  );
});

t.test('ref heads with variable keys build one object in one function', async (t) => {
  const ir = plan('package a\n\np[q].r := 1 if { some q in ["x", "y"] }\n\np.z.r := 2\n', 'a/p');
  t.same(
    ir.funcs.map((f) => f.name),
    ['g0.data.a.p'],
  );
  const all = stmts(ir.funcs[0]?.blocks ?? []);
  t.equal(all.filter((s) => s.type === 'ObjectInsertOnceStmt').length, 2, 'one leaf insert per rule');
});
