/**
 * The emitter and the host built-ins together, through the stock SDK: aliases, set-typed
 * host results, Rego-text arguments, and the native walk/graph built-ins.
 */
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { Operand, Stmt } from '../../../src/rego/ir/index.js';
import { hostBuiltins } from '../../../src/rego/builtins/index.js';
import { emitWasm } from '../../../src/rego/wasm/index.js';
import { at, planPolicy } from './ir-builders.js';
import { importNames } from './raw-module.js';

const loc = (n: number): Operand => ({ type: 'local', value: n });
const str = (i: number): Operand => ({ type: 'string_index', value: i });

/** Evaluates `result := func(input.a, input.b?)` with the given input. */
async function call(func: string, argc: number, input: unknown): Promise<unknown> {
  const keys = ['a', 'b'];
  const stmts: Stmt[] = keys
    .slice(0, argc)
    .map((_, i) => ({ type: 'DotStmt', source: loc(0), key: str(i + 1), target: 10 + i, ...at }));
  stmts.push({ type: 'CallStmt', func, args: keys.slice(0, argc).map((_, i) => loc(10 + i)), result: 20, ...at });
  const policy = planPolicy({ stmts, result: 20, strings: keys, builtins: [{ name: func, arity: argc }] });
  const p = await loadPolicy(emitWasm({ policy, optimize: false }), undefined, hostBuiltins());
  return p.evaluate(input);
}

t.test('sprintf goes to the OPA-exact host version, with big integers exact', async (t) => {
  // Input as JSON text: JSON.parse here would already round the integer.
  const input = new TextEncoder().encode('{"a":"%d %v","b":[123456789123456789123,{"k":[1]}]}').buffer;
  t.same(await call('sprintf', 2, input), [{ x: '123456789123456789123 {"k": [1]}' }]);
});

t.test('set-typed host results become sets again', async (t) => {
  // Set membership: a set result indexes by element, an array by position.
  const stmts: Stmt[] = [
    { type: 'DotStmt', source: loc(0), key: str(1), target: 10, ...at },
    { type: 'CallStmt', func: 'net.cidr_expand', args: [loc(10)], result: 20, ...at },
    { type: 'DotStmt', source: loc(20), key: str(2), target: 21, ...at },
  ];
  const policy = planPolicy({
    stmts,
    result: 21,
    strings: ['a', '10.0.0.1'],
    builtins: [{ name: 'net.cidr_expand', arity: 1 }],
  });
  const p = await loadPolicy(emitWasm({ policy, optimize: false }), undefined, hostBuiltins());
  t.same(p.evaluate({ a: '10.0.0.0/31' }), [{ x: '10.0.0.1' }]);
});

t.test('template strings print sets as OPA does', async (t) => {
  // The planner wraps each non-string part in a set; here the part {set(), [1]} is built in IR.
  const stmts: Stmt[] = [
    { type: 'MakeSetStmt', target: 10, ...at },
    { type: 'MakeSetStmt', target: 11, ...at },
    { type: 'SetAddStmt', set: 10, value: loc(11), ...at },
    { type: 'MakeArrayStmt', capacity: 2, target: 12, ...at },
    { type: 'ArrayAppendStmt', array: 12, value: str(1), ...at },
    { type: 'ArrayAppendStmt', array: 12, value: loc(10), ...at },
    { type: 'CallStmt', func: 'internal.template_string', args: [loc(12)], result: 20, ...at },
  ];
  const policy = planPolicy({
    stmts,
    result: 20,
    strings: ['empty: '],
    builtins: [{ name: 'internal.template_string', arity: 1 }],
  });
  const p = await loadPolicy(emitWasm({ policy, optimize: false }), undefined, hostBuiltins());
  t.same(p.evaluate(null), [{ x: 'empty: set()' }]);
});

t.test('builtins() lists aliases and a policy without host built-ins imports none', async (t) => {
  const policy = planPolicy({
    stmts: [{ type: 'CallStmt', func: 'sprintf', args: [str(1), loc(0)], result: 20, ...at }],
    result: 20,
    strings: ['%v'],
    builtins: [{ name: 'sprintf', arity: 2 }],
  });
  const wasm = emitWasm({ policy, optimize: false });
  t.ok(importNames(wasm).includes('env.opa_builtin2'));
  const p = await loadPolicy(wasm, undefined, hostBuiltins());
  t.same(p.evaluate([[1, 2]]), [{ x: '[1, 2]' }], 'the SDK found imagegate.sprintf in the host object');
  const plain = planPolicy({
    stmts: [{ type: 'CallStmt', func: 'lower', args: [loc(0)], result: 20, ...at }],
    result: 20,
    builtins: [{ name: 'lower', arity: 1 }],
  });
  t.notOk(importNames(emitWasm({ policy: plain, optimize: false })).some((n) => n.includes('opa_builtin')));
});

t.test('walk is native and keeps sets', async (t) => {
  const stmts: Stmt[] = [
    { type: 'MakeSetStmt', target: 10, ...at },
    { type: 'SetAddStmt', set: 10, value: str(1), ...at },
    { type: 'CallStmt', func: 'walk', args: [loc(10)], result: 20, ...at },
  ];
  const policy = planPolicy({ stmts, result: 20, strings: ['s'], builtins: [{ name: 'walk', arity: 1 }] });
  const wasm = emitWasm({ policy, optimize: false });
  t.notOk(importNames(wasm).some((n) => n.includes('opa_builtin')));
  const p = await loadPolicy(wasm);
  t.same(p.evaluate(null), [
    {
      x: [
        [[], ['s']],
        [['s'], 's'],
      ],
    },
  ]);
});

t.test('graph.reachable and graph.reachable_paths', async (t) => {
  const graph = { a: ['b', 'c'], b: ['c'], c: [], d: ['a'] };
  t.same(await call('graph.reachable', 2, { a: graph, b: ['b'] }), [{ x: ['b', 'c'] }]);
  t.same(await call('graph.reachable_paths', 2, { a: graph, b: ['a'] }), [
    {
      x: [
        ['a', 'b', 'c'],
        ['a', 'c'],
      ],
    },
  ]);
  t.same(await call('graph.reachable_paths', 2, { a: { a: ['b'], b: ['gone'] }, b: ['a', 'b'] }), [
    { x: [['a', 'b'], ['b']] },
  ]);
  t.same(await call('graph.reachable', 2, { a: 1, b: ['a'] }), [], 'a non-object graph is undefined');
});

t.test('json.patch keeps sets nested in the document (text result)', async (t) => {
  // doc := {"s": {"a"}}; json.patch(doc, input.a).s["b"]: indexing by element works only on a set.
  const stmts: Stmt[] = [
    { type: 'MakeSetStmt', target: 10, ...at },
    { type: 'SetAddStmt', set: 10, value: str(2), ...at },
    { type: 'MakeObjectStmt', target: 11, ...at },
    { type: 'ObjectInsertStmt', key: str(3), value: loc(10), object: 11, ...at },
    { type: 'DotStmt', source: loc(0), key: str(1), target: 12, ...at },
    { type: 'CallStmt', func: 'json.patch', args: [loc(11), loc(12)], result: 20, ...at },
    { type: 'DotStmt', source: loc(20), key: str(3), target: 21, ...at },
    { type: 'DotStmt', source: loc(21), key: str(4), target: 22, ...at },
  ];
  const policy = planPolicy({
    stmts,
    result: 22,
    strings: ['a', 'a', 's', 'b'],
    builtins: [{ name: 'json.patch', arity: 2 }],
  });
  const p = await loadPolicy(emitWasm({ policy, optimize: false }), undefined, hostBuiltins());
  t.same(p.evaluate({ a: [{ op: 'add', path: 's/b', value: 'b' }] }), [{ x: 'b' }]);
  t.same(p.evaluate({ a: [{ op: 'add', path: 's/b', value: 'c' }] }), [], 'a set key must equal its value');
  t.same(p.evaluate({ a: [{ op: 'remove', path: 's/a' }] }), [], 'no element b');
});
