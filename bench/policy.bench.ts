/**
 * The shipped admission policy (policies/imagegate/*.rego, without the _test files) compiled
 * with compileEntrypoints (entrypoint imagegate/decision) and evaluated through the stock
 * opa-wasm SDK with hostBuiltins(): the built-in heavy path of a /validate decision. Ten
 * trusted prefixes (hosts with and without paths, mixed case, so lower/split/array.* run);
 * per image the policy checks every prefix (concat, startswith) and, for the half that is
 * untrusted, formats two messages (sprintf, a host call, and concat). Baseline: the same
 * evaluation with no image. Inputs with 1, 10 and 100 images. Figures only, no assertions
 * (a wrong decision in the sanity check stops the run).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileEntrypoints, loadRegoPolicy } from '../src/rego/index.js';
import { measure, report, type Sample } from './harness.js';

const POLICY_DIR = new URL('../policies/imagegate/', import.meta.url);

const TRUSTED = [
  'Registry.Example.com/platform',
  'ghcr.io/acme',
  'quay.io/acme/base',
  'docker.io/library',
  'GCR.io/acme-prod',
  'registry.internal:5000',
  'eu.registry.internal:5000/team-a',
  'us.registry.internal/team-b',
  'mirror.acme.dev',
  'public.ecr.aws/acme',
];

function sources(): { file: string; text: string }[] {
  const dir = POLICY_DIR.pathname;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))
    .sort()
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

/** n images, even ones under a trusted prefix, odd ones not. */
function input(n: number): unknown {
  const images = Array.from({ length: n }, (_, i) => {
    const repository = i % 2 === 0 ? `ghcr.io/acme/service-${i}` : `evil.example.net/acme/service-${i}`;
    return { container: `c${i}`, image: `${repository}:v${i}`, reference: { repository } };
  });
  return { images };
}

function violationCount(rs: unknown): number {
  if (!Array.isArray(rs)) return -1;
  const first: unknown = rs[0];
  if (typeof first !== 'object' || first === null || !('result' in first)) return -1;
  const result: unknown = first.result;
  if (typeof result !== 'object' || result === null || !('violations' in result)) return -1;
  return Array.isArray(result.violations) ? result.violations.length : -1;
}

async function main(): Promise<void> {
  const wasm = compileEntrypoints({ sources: sources(), entrypoints: ['imagegate/decision'] });
  const policy = await loadRegoPolicy({ wasm, data: { imagegate: { config: { trusted_registries: TRUSTED } } } });
  const sanity = violationCount(policy.evaluate(input(4)));
  if (sanity !== 2) throw new Error(`sanity check: expected 2 violations for 4 images (2 untrusted), got ${sanity}`);
  console.log(`sanity (4 images): 2 violations; module ${wasm.byteLength} bytes`);
  const empty = input(0);
  const samples: Sample[] = [
    await measure('baseline: decision, 0 images', () => policy.evaluate(empty), { runs: 300, warmup: 30 }),
  ];
  for (const n of [1, 10, 100]) {
    const inp = input(n);
    samples.push(
      await measure(`decision, ${n} image(s)`, () => policy.evaluate(inp), { runs: n === 100 ? 100 : 300, warmup: 20 }),
    );
  }
  report('shipped policy imagegate/decision (10 trusted prefixes, half the images untrusted)', samples);
}

await main();
