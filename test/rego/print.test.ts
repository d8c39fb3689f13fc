import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileEntrypoints, hostBuiltins } from '../../src/rego/index.js';

const source = [
  'package p',
  '',
  'f(x) := y if {',
  '\tprint("f of", x)',
  '\ty := x * 10',
  '}',
  '',
  'r := out if {',
  '\tprint("start", input.name, input.missing, {"k": {1, 2}}, [1.5, "s"])',
  '\tsome i in [1, 2]',
  '\tout := [v | some v in {"b", "a"}; print("in comprehension", v, i)]',
  '\tevery z in [f(i)] { print("every", z) }',
  '\tprint({w | some w in input.tags})',
  '}',
  '',
].join('\n');

async function run(opts: {
  readonly enablePrint?: boolean;
  readonly sink: boolean;
}): Promise<{ rs: unknown; lines: string[] }> {
  const wasm = compileEntrypoints({
    sources: [{ file: 'p.rego', text: source }],
    entrypoints: ['p/r'],
    ...(opts.enablePrint === undefined ? {} : { enablePrint: opts.enablePrint }),
  });
  const lines: string[] = [];
  const policy = await loadPolicy(wasm, undefined, hostBuiltins(opts.sink ? { print: (l) => lines.push(l) } : {}));
  const rs: unknown = policy.evaluate({ name: 'web', tags: ['x', 'y'] }, 'p/r');
  return { rs, lines };
}

// `some i in [1, 2]` makes two solutions with the same value; the complete rule keeps one.
const answer = [{ result: ['a', 'b'] }];

t.test('with print enabled, every print in rules, functions, comprehensions and every writes its line', async (t) => {
  const { rs, lines } = await run({ enablePrint: true, sink: true });
  t.same(rs, answer, 'print never changes the answer');
  t.same(lines, [
    'start web <undefined> {"k": {1, 2}} [1.5, "s"]',
    'in comprehension a 1',
    'in comprehension b 1',
    'f of 1',
    'every 10',
    '{"x", "y"}',
    'in comprehension a 2',
    'in comprehension b 2',
    'f of 2',
    'every 20',
    '{"x", "y"}',
  ]);
});

t.test('print is dropped by default and with no sink the module still answers', async (t) => {
  const off = await run({ sink: true });
  t.same(off.rs, answer);
  t.same(off.lines, [], 'compiled without print: nothing is written');
  const noSink = await run({ enablePrint: true, sink: false });
  t.same(noSink.rs, answer, 'the default host drops the lines and print still succeeds');
});
