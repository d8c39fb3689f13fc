/**
 * Policies with large literals build and run: the planner plans the elements of a literal
 * in a loop, not one nested continuation per element (which overflowed the stack on a
 * json.patch with a few thousand literal operations).
 */
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileEntrypoints, hostBuiltins } from '../../src/rego/index.js';

t.test('json.patch with 3,000 literal operations and a 3,000-element array of refs', async (t) => {
  const ops = Array.from({ length: 3000 }, (_, i) => `{"op": "add", "path": "/k${i}", "value": ${i}}`).join(', ');
  const refs = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? 'input.a' : `input.b[${i % 5}]`)).join(', ');
  const text = [
    'package big',
    '',
    `patched := json.patch({"seed": true}, [${ops}])`,
    '',
    `refs := [${refs}]`,
    '',
    'n := count(patched)',
    '',
  ].join('\n');
  const wasm = compileEntrypoints({ sources: [{ file: 'big.rego', text }], entrypoints: ['big/n', 'big/refs'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins({}));
  const input = { a: 'A', b: [0, 1, 2, 3, 4] };
  t.same(policy.evaluate(input, 'big/n'), [{ result: 3001 }]);
  const rs = policy.evaluate(input, 'big/refs') as { result: unknown[] }[];
  t.equal(rs[0]?.result.length, 3000);
  t.same(rs[0]?.result.slice(0, 4), ['A', 1, 'A', 3]);
  t.same(policy.evaluate({ a: 'A', b: [] }, 'big/refs'), [], 'one undefined element makes the array undefined');
});
