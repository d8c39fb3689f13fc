/**
 * Through the whole pipeline: entrypoints naming paths inside rule values (partial objects,
 * ref heads with vars), as `opa build -e` accepts them; and `with` modifiers written inside
 * a template string part, which OPA keeps on the part's capture expression.
 */
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileEntrypoints, hostBuiltins } from '../../src/rego/index.js';

const policySource = [
  'package ep',
  '',
  'obj[k] := v if { some k, v in input.m }',
  '',
  'a.b[x].c := x if { some x in input.xs }',
  '',
  'fixed.deep.leaf := 7',
  '',
].join('\n');

t.test('entrypoints inside partial objects and generic ref heads', async (t) => {
  const entrypoints = [
    'ep/obj/k1',
    'ep/obj/absent',
    'ep/a/b',
    'ep/a/b/x1/c',
    'ep/a/b/other/c',
    'ep/fixed/deep',
    'ep/fixed/deep/leaf',
  ];
  const wasm = compileEntrypoints({ sources: [{ file: 'ep.rego', text: policySource }], entrypoints });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins({}));
  const input = { m: { k1: 1 }, xs: ['x1'] };
  const results = entrypoints.map((e): unknown => policy.evaluate(input, e));
  t.same(results, [
    [{ result: 1 }],
    [],
    [{ result: { x1: { c: 'x1' } } }],
    [{ result: 'x1' }],
    [],
    [{ result: { leaf: 7 } }],
    [{ result: 7 }],
  ]);
});

t.test('entrypoints no rule covers are still refused', async (t) => {
  for (const e of ['ep/nope', 'ep/fixed/other', 'other/obj']) {
    t.throws(
      () => compileEntrypoints({ sources: [{ file: 'ep.rego', text: policySource }], entrypoints: [e] }),
      { code: 'IMAGEGATE_REGO_ENTRYPOINT_UNDEFINED' },
      e,
    );
  }
});

t.test('with inside a template string part applies to that part', async (t) => {
  const text = [
    'package tw',
    '',
    'a := $"v={input.x with input.x as 1}"',
    '',
    'b := s if { s := $"v={input.x}" with input as {"x": 2} }',
    '',
    'c := $"v={f(1) with f as g}, plain={f(1)}"',
    '',
    'd := $"v={r with base as 5}, plain={r}"',
    '',
    'f(x) := x + 10',
    '',
    'g(x) := x + 100',
    '',
    'base := 1',
    '',
    'r := base * 2',
    '',
  ].join('\n');
  const entrypoints = ['tw/a', 'tw/b', 'tw/c', 'tw/d'];
  const wasm = compileEntrypoints({ sources: [{ file: 'tw.rego', text }], entrypoints });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins({}));
  t.same(
    entrypoints.map((e): unknown => policy.evaluate({ x: 0 }, e)),
    [[{ result: 'v=1' }], [{ result: 'v=2' }], [{ result: 'v=101, plain=11' }], [{ result: 'v=10, plain=2' }]],
  );
});
