/**
 * `npm run bench -- load`: imagegate under load, measured from outside, as ratios to a bare
 * fastify HTTPS route answering a fixed AdmissionReview, both started and driven in the same
 * run (alternating rounds) from a separate driver process over keep-alive connections (undici):
 *  (a) a repeated review (same body, fresh uid each): the cached-verdict case;
 *  (b) reviews whose images vary (64,000 combinations of 120 warm tags): a policy evaluation each;
 *  (c) a cold review of a pod with 3 images on 3 fresh tags against the real test registry,
 *      next to one registry round trip (a manifest HEAD by the same client);
 * plus the shipped policy's evaluation time in-process, the server's CPU time per review, and
 * its peak RSS once its tag caches hold registries.cacheMaxEntries resolutions and failures.
 *
 * imagegate runs from dist/ as `imagegate serve` does (its worker threads cannot load .ts under
 * tsx): run `npm run build` after changing src/ (the benchmark refuses a stale dist/).
 * IMAGEGATE_BENCH_CPU_PROF=DIR runs the server under `node --cpu-prof` and prints where its
 * threads spent their time (profiles are written to DIR when it stops).
 * IMAGEGATE_BENCH_LOAD_ONLY=a (or b) runs only that load case and skips (c), the cache fill and
 * the in-process evaluation: for profiling one path.
 */
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../src/config/index.js';
import { assertDistFresh, memoryMiB } from './load/processes.js';
import { caseA, caseB, checkCase, coldRounds, fillCaches, loadRounds, warmCaseB } from './load/phases.js';
import { policyEvaluation } from './load/policy-eval.js';
import { printProfiles } from './load/profile.js';
import { render } from './load/protocol.js';
import { reportCold, reportLoad, reportProcess } from './load/report.js';
import { expectAnswer, readAnswer } from './load/answers.js';
import { setUp } from './load/setup.js';

const t0 = performance.now();
/** Progress on stderr, so that a long run says where it is; the report goes to stdout. */
function step(what: string): void {
  process.stderr.write(`[load ${((performance.now() - t0) / 1000).toFixed(0)} s] ${what}\n`);
}

/** Cold reviews of case (c), each on its own three fresh tags, per endpoint. */
const COLD_ROUNDS = 15;

assertDistFresh();
const profileDir = process.env.IMAGEGATE_BENCH_CPU_PROF;
const only = process.env.IMAGEGATE_BENCH_LOAD_ONLY;
if (only !== undefined && only !== 'a' && only !== 'b')
  throw new Error(`IMAGEGATE_BENCH_LOAD_ONLY=${only}: expected a or b`);
const loadAtStart = loadavg()[0] ?? Number.NaN;
step('starting the registry, pushing images, starting the servers');
const bench = await setUp({
  coldSets: 2 * COLD_ROUNDS,
  ...(profileDir === undefined ? {} : { profileDir }),
});
const registryHost = bench.registry.host;
const a = caseA(bench);
const b = caseB(bench);
try {
  step('servers up; checking and warming');
  const started = memoryMiB(bench.imagegate.pid);
  await checkCase(bench, a, 'case (a)');
  const pinned = await bench.driver.single({
    target: 'imagegate',
    method: 'POST',
    path: '/mutate',
    body: render(a, 0, 'warm-a'),
  });
  expectAnswer(readAnswer({ ...pinned, what: 'warming case (a)' }), { patchOps: 3, what: 'warming case (a) /mutate' });
  await warmCaseB(bench);
  await checkCase(bench, b, 'case (b)');
  if (only !== undefined) {
    step(`case (${only}) only`);
    const fig = await loadRounds(bench, only === 'a' ? a : b);
    await bench.close();
    reportLoad({ bodyBytes: render(a, 0, 'x').length, ...(only === 'a' ? { a: fig } : { b: fig }) });
    if (profileDir !== undefined) printProfiles(join(profileDir, 'imagegate'));
    process.exit(0);
  }
  step('case (a)');
  const figA = await loadRounds(bench, a);
  step('case (b)');
  const figB = await loadRounds(bench, b);
  step('case (c)');
  const cold = await coldRounds(bench);
  const afterLoad = memoryMiB(bench.imagegate.pid);
  const cacheEntries = defaultConfig.registries.cacheMaxEntries;
  step('filling caches');
  await fillCaches(bench, cacheEntries);
  const full = memoryMiB(bench.imagegate.pid);
  await bench.close();
  step('policy evaluation in-process');
  const policy = await policyEvaluation({ body: render(a, 0, 'policy'), trustedRegistries: [registryHost] });
  console.log(
    `\nLoad average (1 min) of this ${availableParallelism()}-core machine: ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]?.toFixed(1) ?? 'n/a'} at the end: other processes share it, which is why only ratios within one run are results.`,
  );
  reportLoad({ bodyBytes: render(a, 0, 'x').length, a: figA, b: figB });
  reportCold(cold);
  reportProcess({ policy, started, afterLoad, full, cacheEntries });
  if (profileDir !== undefined) {
    for (const side of ['imagegate', 'bare']) {
      console.log(`\n## CPU profile of ${side} (every thread; the whole run, start-up included)`);
      printProfiles(join(profileDir, side));
    }
  }
} finally {
  await bench.close();
}
