/**
 * Cost of built-in calls in a compiled policy, evaluated through the stock opa-wasm SDK.
 * The policy has the shape of policies/imagegate/registries.rego: for every image it lowers
 * the host, joins host and path with concat, tests a trusted prefix with startswith and
 * formats a message with sprintf (lower, concat and startswith are native; sprintf is a
 * host call). Baseline: the same scan with no built-in call (a plain comparison). Inputs
 * with 1, 10 and 100 images. Figures only, no assertions.
 */
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { IrPolicy, Operand, Stmt } from '../src/rego/ir/index.js';
import { hostBuiltins } from '../src/rego/builtins/index.js';
import { emitWasm } from '../src/rego/wasm/index.js';
import { at, planPolicy } from '../test/rego/wasm/ir-builders.js';
import { measure, report, type Sample } from './harness.js';

// String indexes (planPolicy puts "x" at 0).
const STRINGS = ['images', 'host', 'path', '/', 'trusted.example.com/', '%s is not in a trusted registry'];
const str = (s: string): Operand => ({ type: 'string_index', value: STRINGS.indexOf(s) + 1 });
const loc = (n: number): Operand => ({ type: 'local', value: n });

/** `violations := {msg | img := input.images[_]; <perImage>}` with locals 2 (images), 3 (set), 5 (img). */
function scanImages(perImage: readonly Stmt[]): Stmt[] {
  return [
    { type: 'DotStmt', source: loc(0), key: str('images'), target: 2, ...at },
    { type: 'MakeSetStmt', target: 3, ...at },
    { type: 'ScanStmt', source: 2, key: 4, value: 5, block: { stmts: [
      { type: 'DotStmt', source: loc(5), key: str('host'), target: 6, ...at },
      { type: 'DotStmt', source: loc(5), key: str('path'), target: 8, ...at },
      ...perImage,
    ] }, ...at },
  ];
}

function builtinPolicy(): IrPolicy {
  const perImage: Stmt[] = [
    { type: 'CallStmt', func: 'lower', args: [loc(6)], result: 7, ...at },
    { type: 'MakeArrayStmt', capacity: 2, target: 9, ...at },
    { type: 'ArrayAppendStmt', array: 9, value: loc(7), ...at },
    { type: 'ArrayAppendStmt', array: 9, value: loc(8), ...at },
    { type: 'CallStmt', func: 'concat', args: [str('/'), loc(9)], result: 10, ...at },
    { type: 'NotStmt', block: { stmts: [
      { type: 'CallStmt', func: 'startswith', args: [loc(10), str('trusted.example.com/')], result: 11, ...at },
      { type: 'EqualStmt', a: loc(11), b: { type: 'bool', value: true }, ...at },
    ] }, ...at },
    { type: 'MakeArrayStmt', capacity: 1, target: 12, ...at },
    { type: 'ArrayAppendStmt', array: 12, value: loc(10), ...at },
    { type: 'CallStmt', func: 'sprintf', args: [str('%s is not in a trusted registry'), loc(12)], result: 13, ...at },
    { type: 'SetAddStmt', set: 3, value: loc(13), ...at },
  ];
  return planPolicy({
    stmts: scanImages(perImage), result: 3, strings: STRINGS,
    builtins: [{ name: 'lower', arity: 1 }, { name: 'concat', arity: 2 }, { name: 'startswith', arity: 2 }, { name: 'sprintf', arity: 2 }],
  });
}

function baselinePolicy(): IrPolicy {
  const perImage: Stmt[] = [
    { type: 'NotEqualStmt', a: loc(6), b: str('trusted.example.com'), ...at },
    { type: 'SetAddStmt', set: 3, value: loc(8), ...at },
  ];
  return planPolicy({ stmts: scanImages(perImage), result: 3, strings: STRINGS });
}

function input(n: number): unknown {
  const images = Array.from({ length: n }, (_, i) => ({
    host: i % 2 === 0 ? 'Trusted.Example.COM' : `Registry-${i}.Example.com`,
    path: `team/app-${i}`,
  }));
  return { images };
}

async function main(): Promise<void> {
  const host = hostBuiltins();
  const withBuiltins = await loadPolicy(emitWasm({ policy: builtinPolicy() }), undefined, host);
  const baseline = await loadPolicy(emitWasm({ policy: baselinePolicy() }), undefined, host);
  const check: unknown = withBuiltins.evaluate(input(2));
  console.log(`sanity (2 images): ${JSON.stringify(check)}`);
  for (const n of [1, 10, 100]) {
    const inp = input(n);
    const samples: Sample[] = [
      await measure(`baseline, ${n} image(s)`, () => baseline.evaluate(inp), { runs: 300, warmup: 30 }),
      await measure(`lower+concat+startswith+sprintf, ${n} image(s)`, () => withBuiltins.evaluate(inp), { runs: 300, warmup: 30 }),
    ];
    report(`built-in calls per image, ${n} image(s)`, samples);
  }
}

await main();
