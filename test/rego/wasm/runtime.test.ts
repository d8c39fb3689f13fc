/**
 * Runtime behaviour through emitted modules: JSON and Rego-literal round trips
 * (exact numbers, escapes, composite keys, sets, OPA's value order), the ABI's ctx API
 * and add/remove_path, exact arithmetic, conflicts, host built-ins, and a heap that
 * stays flat across evaluations with the real SDK.
 */
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { isImagegateError } from '../../../src/errors/index.js';
import { emitWasm } from '../../../src/rego/wasm/index.js';
import { at, echoInputPolicy, planPolicy } from './ir-builders.js';
import { importNames, instantiate, type Raw } from './raw-module.js';

let rawCache: Raw | undefined;
async function raw(): Promise<Raw> {
  rawCache ??= await instantiate(emitWasm({ policy: echoInputPolicy(), optimize: false }));
  return rawCache;
}

t.test('JSON round trips keep numbers exactly as written', async (t) => {
  const r = await raw();
  for (const text of [
    '1e400',
    '12345678901234567890',
    '-12345678901234567890123',
    '3.0',
    '-0.000001',
    '1E-7',
    '0',
    '-5',
    '[1.50,2e+10]',
  ]) {
    t.equal(r.dumpJson(r.parse(text)), text, text);
  }
});

t.test('JSON strings: escapes decoded, dumped as OPA does', async (t) => {
  const r = await raw();
  t.equal(r.dumpJson(r.parse('"\\u00e9\\ud83d\\ude00 \\n\\t\\u0001\\"\\\\\\/"')), '"é😀 \\n\\t\\u0001\\"\\\\/"');
  t.equal(r.dumpJson(r.parse('"plain é"')), '"plain é"');
  t.equal(
    r.dumpJson(r.parse('{"b":1,"a":[true,null,"s"],"a":2}')),
    '{"a":2,"b":1}',
    'sorted keys, last duplicate wins',
  );
});

t.test('invalid JSON is rejected with 0', async (t) => {
  const r = await raw();
  for (const text of ['{"a":}', '[1,]', '01', '"\\x"', '"a\u0001"', 'tru', '{1:2}', '', '[1] 2', 'set()']) {
    t.equal(r.parse(text), 0, JSON.stringify(text));
  }
});

t.test('Rego literals: composite keys, sets, OPA value order', async (t) => {
  const r = await raw();
  const obj = r.parseValue('{[1,2]: "a", {"k": 1}: "b", 3: "c"}');
  t.equal(r.dumpValue(obj), '{3:"c",[1,2]:"a",{"k":1}:"b"}');
  t.equal(r.dumpJson(obj), '{"3":"c","[1,2]":"a","{\\"k\\":1}":"b"}');
  const set = r.parseValue('{3, 1, [2], 1}');
  t.equal(r.dumpValue(set), '{1,3,[2]}');
  t.equal(r.dumpJson(set), '[1,3,[2]]');
  t.equal(r.dumpValue(r.parseValue('set()')), 'set()');
  t.equal(
    r.dumpValue(r.parseValue('{set(), {}, [], "a", 1, false, null, true}')),
    '{null,false,true,1,"a",[],{},set()}',
  );
  t.equal(
    r.dumpValue(r.parseValue('{1, 1.0, 10e-1, 2, 12345678901234567890, 1e400, -1e400}')),
    '{-1e400,1,2,12345678901234567890,1e400}',
    'numbers compare by value',
  );
  t.equal(r.dumpValue(r.parseValue('{"b", "a", "é", "z"}')), '{"a","b","z","é"}', 'strings compare by UTF-8 bytes');
});

t.test('add_path and remove_path', async (t) => {
  const r = await raw();
  const ex = r.exports;
  const base = r.parse('{"a":{}}');
  t.equal(ex.opa_value_add_path(base, r.parse('["a","b","c"]'), r.parse('1')), 0);
  t.equal(r.dumpJson(base), '{"a":{"b":{"c":1}}}');
  t.equal(ex.opa_value_add_path(base, r.parse('["a","b","c","d"]'), r.parse('1')), 2, 'non-object on the path');
  t.equal(ex.opa_value_add_path(base, r.parse('[]'), r.parse('1')), 3, 'empty path');
  t.equal(ex.opa_value_remove_path(base, r.parse('["a","b"]')), 0);
  t.equal(r.dumpJson(base), '{"a":{}}');
});

t.test('ABI 1.0 ctx API evaluates the plan', async (t) => {
  const r = await raw();
  const ex = r.exports;
  const ctx = ex.opa_eval_ctx_new();
  ex.opa_eval_ctx_set_input(ctx, r.parse('{"a":[1,"2"]}'));
  ex.opa_eval_ctx_set_data(ctx, r.parse('{}'));
  ex.opa_eval_ctx_set_entrypoint(ctx, 0);
  t.equal(ex.eval(ctx), 0);
  t.equal(r.dumpJson(ex.opa_eval_ctx_get_result(ctx)), '[{"x":{"a":[1,"2"]}}]');
  t.equal(r.dumpJson(ex.entrypoints()), '{"test/echo":0}');
  t.equal(r.dumpJson(ex.builtins()), '{}');
  const bad = ex.opa_eval_ctx_new();
  ex.opa_eval_ctx_set_entrypoint(bad, 7);
  t.throws(() => ex.eval(bad), /illegal entrypoint id/);
});

/** Evaluates `op(a, b)` on number literals through the ctx API and returns the dumped result. */
async function arith(op: string, a: string, b: string): Promise<string> {
  const policy = planPolicy({
    strings: [a, b],
    stmts: [
      { type: 'MakeNumberRefStmt', index: 1, target: 2, ...at },
      { type: 'MakeNumberRefStmt', index: 2, target: 3, ...at },
      {
        type: 'CallStmt',
        func: op,
        args: [
          { type: 'local', value: 2 },
          { type: 'local', value: 3 },
        ],
        result: 4,
        ...at,
      },
    ],
    result: 4,
    builtins: [{ name: op, arity: 2 }],
  });
  const r = await instantiate(emitWasm({ policy, optimize: false }));
  const ctx = r.exports.opa_eval_ctx_new();
  r.exports.opa_eval_ctx_set_entrypoint(ctx, 0);
  r.exports.eval(ctx);
  return r.dumpJson(r.exports.opa_eval_ctx_get_result(ctx));
}

t.test('arithmetic is exact beyond float64', async (t) => {
  t.equal(await arith('plus', '0.1', '0.2'), '[{"x":0.3}]');
  t.equal(await arith('plus', '12345678901234567890', '1'), '[{"x":12345678901234567891}]');
  t.equal(await arith('minus', '9223372036854775807', '-1'), '[{"x":9223372036854775808}]');
  t.equal(await arith('mul', '1e400', '2'), '[{"x":2e+400}]');
  t.equal(await arith('mul', '49649733057', '1000'), '[{"x":49649733057000}]');
  t.equal(await arith('div', '7', '2'), '[{"x":3.5}]');
  t.equal(await arith('div', '1', '0'), '[]', 'division by zero is undefined');
  t.equal(await arith('rem', '-7', '3'), '[{"x":-1}]');
  t.equal(await arith('gt', '1e400', '12345678901234567890'), '[{"x":true}]');
  t.equal(await arith('equal', '1.0', '1'), '[{"x":true}]');
});

t.test('conflicts abort with file:row:col and OPA text', async (t) => {
  const policy = planPolicy({
    strings: ['a', 'b'],
    stmts: [
      { type: 'AssignVarOnceStmt', source: { type: 'string_index', value: 1 }, target: 2, ...at },
      { type: 'AssignVarOnceStmt', source: { type: 'string_index', value: 1 }, target: 2, ...at },
      { type: 'AssignVarOnceStmt', source: { type: 'string_index', value: 2 }, target: 2, file: 0, row: 3, col: 5 },
    ],
    result: 2,
  });
  const p = await loadPolicy(emitWasm({ policy, optimize: false }));
  t.throws(() => {
    p.evaluate({});
  }, 'policy.rego:3:5: var assignment conflict');
});

t.test('host built-ins go through opa_builtinN; native-only policies import none', async (t) => {
  const policy = planPolicy({
    stmts: [
      { type: 'MakeNumberIntStmt', value: 21, target: 2, ...at },
      { type: 'CallStmt', func: 'custom.double', args: [{ type: 'local', value: 2 }], result: 3, ...at },
    ],
    result: 3,
    builtins: [{ name: 'custom.double', arity: 1 }],
  });
  const wasm = emitWasm({ policy, optimize: false });
  t.ok(importNames(wasm).includes('env.opa_builtin1'));
  const p = await loadPolicy(wasm, undefined, {
    'custom.double': (x: unknown) => (typeof x === 'number' ? x * 2 : undefined),
  });
  t.same(p.evaluate({}), [{ x: 42 }]);
  const undef = await loadPolicy(wasm, undefined, { 'custom.double': () => undefined });
  t.same(undef.evaluate({}), [], 'a host built-in returning undefined makes the call undefined');
  t.same(importNames(emitWasm({ policy: echoInputPolicy(), optimize: false })).sort(), ['env.memory', 'env.opa_abort']);
});

t.test('unknown functions are compile errors', async (t) => {
  const policy = planPolicy({
    stmts: [{ type: 'CallStmt', func: 'no.such', args: [], result: 2, ...at }],
    result: 2,
  });
  let caught: unknown;
  try {
    emitWasm({ policy });
  } catch (err) {
    caught = err;
  }
  t.ok(isImagegateError(caught, 'IMAGEGATE_WASM_UNKNOWN_FUNCTION'), String(caught));
});

t.test('SDK: optimised module, input round trip, heap stays flat over 10 000 evaluations', async (t) => {
  const p = await loadPolicy(emitWasm({ policy: echoInputPolicy(), optimize: true }));
  p.setData({ big: Array.from({ length: 100 }, (_, i) => ({ i, s: `item-${i}` })) });
  const input = {
    name: 'é😀',
    n: 1.5,
    list: Array.from({ length: 50 }, (_, i) => `v${i}`),
    nested: { a: { b: [null, true] } },
  };
  t.same(p.evaluate(input), [{ x: input }]);
  t.same(p.evaluate(undefined), [], 'missing input is undefined');
  const before = memoryBytes(p);
  for (let i = 0; i < 10_000; i++) p.evaluate(input);
  t.equal(memoryBytes(p), before, 'memory did not grow');
});

/** The SDK's linear memory in bytes: `mem` is typed by lib.dom's WebAssembly, which this project does not load. */
function memoryBytes(policy: object): number {
  const mem: unknown = Reflect.get(policy, 'mem');
  const buffer: unknown = typeof mem === 'object' && mem !== null ? Reflect.get(mem, 'buffer') : undefined;
  if (!(buffer instanceof ArrayBuffer)) throw new Error('the policy exposes no linear memory');
  return buffer.byteLength;
}
