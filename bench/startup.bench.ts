/**
 * Start-up time and memory: the shipped policies loaded as the bundle `npm run build` wrote,
 * against compiling them at start-up (the old way, compiler in the serving process; and
 * policy.dir's way, compiler in a thread that exits). Each case runs in fresh processes from
 * dist/ (run `npm run build` first), interleaved, 5 rounds; medians. Baseline: the prebuilt bundle.
 *
 * decider: time from process start until every evaluator thread holds the policy; after two
 * forced GCs (--expose-gc), RSS (threads included) and the main isolate's heapUsed.
 * serve: `imagegate serve` until its `server.started` line, and its VmRSS then.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p: string): string => join(root, 'dist', 'src', p);
if (!existsSync(dist('policy/shipped-build.js')) || !existsSync(join(root, 'dist/policies/imagegate.tar.gz'))) {
  console.error('bench/startup: run `npm run build` first (it measures dist/ as `npm start` runs it)');
  process.exit(1);
}
const ROUNDS = 5;
const policies = join(root, 'policies');

/** The child's script per case; it prints one JSON line {readyMs, rssMb, heapMb}. */
const CHILD: Readonly<Record<string, string>> = {
  'prebuilt bundle (baseline)': `
    const { loadDecider } = await import(${JSON.stringify(dist('policy/index.js'))});
    const { defaultConfig } = await import(${JSON.stringify(dist('config/index.js'))});
    globalThis.decider = await loadDecider({ policy: defaultConfig.policy });`,
  'compile in the serving process (before)': `
    const { compileEntrypoints } = await import(${JSON.stringify(dist('rego/index.js'))});
    const { createBundleDecider, readPolicyDir } = await import(${JSON.stringify(dist('policy/internal.js'))});
    const { defaultConfig } = await import(${JSON.stringify(dist('config/index.js'))});
    const { sources, data } = await readPolicyDir({ dir: ${JSON.stringify(policies)} });
    const wasm = compileEntrypoints({ sources, entrypoints: ['imagegate/decision'], enablePrint: false });
    const manifest = { revision: 'x', roots: [''], wasm: [{ entrypoint: 'imagegate/decision', module: '/policy.wasm' }] };
    globalThis.decider = await createBundleDecider({ bundle: { manifest, wasm, data, files: new Map() },
      entrypoint: 'imagegate/decision', source: 'x', evaluators: defaultConfig.policy.evaluators });`,
  'policy.dir: compiler process': `
    const { loadDecider } = await import(${JSON.stringify(dist('policy/index.js'))});
    const { defaultConfig } = await import(${JSON.stringify(dist('config/index.js'))});
    globalThis.decider = await loadDecider({ policy: { ...defaultConfig.policy, dir: ${JSON.stringify(policies)} } });`,
};
const MEASURE = `
  const readyMs = performance.now();
  globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); globalThis.gc();
  const m = process.memoryUsage();
  console.log(JSON.stringify({ readyMs, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 }));
  await globalThis.decider.close();`;

interface DeciderRun {
  readonly readyMs: number;
  readonly rssMb: number;
  readonly heapMb: number;
}

function isDeciderRun(v: unknown): v is DeciderRun {
  return typeof v === 'object' && v !== null && 'readyMs' in v && 'rssMb' in v && 'heapMb' in v;
}

/** The child runs from a file: worker threads inherit execArgv, where `--input-type` would fail them. */
function deciderRun(script: string): DeciderRun {
  const dir = mkdtempSync(join(tmpdir(), 'imagegate-startup-'));
  const file = join(dir, 'child.mjs');
  writeFileSync(file, script + MEASURE);
  const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  const parsed: unknown = JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null');
  if (r.status !== 0 || !isDeciderRun(parsed)) throw new Error(`child failed: ${r.stderr}`);
  return parsed;
}

/** `imagegate serve` from dist until it logs server.started; its VmRSS at that moment. */
async function serveRun(policyYaml: string): Promise<{ readyMs: number; rssMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'imagegate-startup-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `server:\n  host: 127.0.0.1\n  port: 0\n  tls:\n    generatedDir: ${join(dir, 'certs')}\n${policyYaml}`,
  );
  const started = performance.now();
  const child = spawn(process.execPath, [dist('cli/main.js'), 'serve', '--config', config], { cwd: dir });
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        if (out.includes('"event":"server.started"')) resolve(performance.now() - started);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return { readyMs, rssMb: kb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const deciderRuns = new Map<string, DeciderRun[]>(Object.keys(CHILD).map((k) => [k, []]));
const SERVE: Readonly<Record<string, string>> = {
  'serve, prebuilt bundle (baseline)': '',
  'serve, policy.dir (compiler process)': `policy:\n  dir: ${policies}\n`,
};
const serveRuns = new Map<string, { readyMs: number; rssMb: number }[]>(Object.keys(SERVE).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, script] of Object.entries(CHILD)) deciderRuns.get(name)?.push(deciderRun(script));
  for (const [name, yaml] of Object.entries(SERVE)) serveRuns.get(name)?.push(await serveRun(yaml));
}

console.log(`\n## start-up of the policy decider (${ROUNDS} fresh processes each, medians)`);
console.log('| case | ready ms | ratio | RSS MB after GC | ratio | main heapUsed MB after GC | ratio |');
console.log('|---|---|---|---|---|---|---|');
const first = [...deciderRuns.values()][0] ?? [];
const base = {
  ready: median(first.map((r) => r.readyMs)),
  rss: median(first.map((r) => r.rssMb)),
  heap: median(first.map((r) => r.heapMb)),
};
for (const [name, runs] of deciderRuns) {
  const ready = median(runs.map((r) => r.readyMs));
  const rss = median(runs.map((r) => r.rssMb));
  const heap = median(runs.map((r) => r.heapMb));
  console.log(
    `| ${name} | ${ready.toFixed(0)} | ${(ready / base.ready).toFixed(2)} | ${rss.toFixed(1)} | ${(rss / base.rss).toFixed(2)} | ${heap.toFixed(1)} | ${(heap / base.heap).toFixed(2)} |`,
  );
}
console.log(`\n## \`imagegate serve\` until listening (${ROUNDS} runs each, medians)`);
console.log('| case | ready ms | ratio | VmRSS MB | ratio |');
console.log('|---|---|---|---|---|');
const serveFirst = [...serveRuns.values()][0] ?? [];
const serveBase = { ready: median(serveFirst.map((r) => r.readyMs)), rss: median(serveFirst.map((r) => r.rssMb)) };
for (const [name, runs] of serveRuns) {
  const ready = median(runs.map((r) => r.readyMs));
  const rss = median(runs.map((r) => r.rssMb));
  console.log(
    `| ${name} | ${ready.toFixed(0)} | ${(ready / serveBase.ready).toFixed(2)} | ${rss.toFixed(1)} | ${(rss / serveBase.rss).toFixed(2)} |`,
  );
}
