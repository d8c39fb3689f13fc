/**
 * Compile time of a small module (the shipped trusted-registries policy, ~60 lines of Rego),
 * stage by stage. The budget: the whole pipeline under 200 ms median. Baseline: parsing.
 */
import { loadPolicySources } from '../src/policy/index.js';
import { compileEntrypoints, parseSources } from '../src/rego/index.js';
import { compileProgram } from '../src/rego/compile/index.js';
import { planPolicy } from '../src/rego/plan/index.js';
import { emitWasm } from '../src/rego/wasm/index.js';
import { measure, report } from './harness.js';

const { modules } = await loadPolicySources([new URL('../policies/imagegate', import.meta.url).pathname]);
const sources = modules.filter((m) => !m.file.endsWith('_test.rego'));
const entrypoints = [{ kind: 'path' as const, path: 'imagegate/decision' }];
const parsed = parseSources({ sources });
const program = compileProgram({ modules: parsed });
const ir = planPolicy({ program, entrypoints });

const whole = await measure(
  'whole pipeline (default, no -O)',
  () => compileEntrypoints({ sources, entrypoints: ['imagegate/decision'] }),
  { runs: 40 },
);
report(
  `compile ${sources.length} modules, ${sources.reduce((n, s) => n + s.text.split('\n').length, 0)} lines of Rego`,
  [
    await measure('parse (baseline)', () => parseSources({ sources }), { runs: 200 }),
    await measure('compile', () => compileProgram({ modules: parsed }), { runs: 200 }),
    await measure('plan', () => planPolicy({ program, entrypoints }), { runs: 200 }),
    await measure('emit (binaryen, no -O)', () => emitWasm({ policy: ir, optimize: false }), { runs: 40 }),
    whole,
    await measure(
      'whole pipeline with -O 1',
      () => compileEntrypoints({ sources, entrypoints: ['imagegate/decision'], optimize: true }),
      { runs: 5, warmup: 1 },
    ),
  ],
);
console.log(
  `\nwhole pipeline median ${whole.medianMs.toFixed(1)} ms (budget 200 ms): ${whole.medianMs < 200 ? 'within' : 'OVER'} budget`,
);
