import { performance } from 'node:perf_hooks';

/** Timing of one benchmarked operation, in milliseconds. */
export interface Sample {
  readonly name: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

/**
 * Runs `fn` `warmup` times unmeasured, then `runs` times measured, and reports the median and
 * p95. Benchmarks report ratios against a baseline measured in the same run, because absolute
 * times on shared 2-core machines vary from run to run.
 */
export async function measure(
  name: string,
  fn: () => unknown,
  opts: { readonly runs?: number; readonly warmup?: number } = {},
): Promise<Sample> {
  const runs = opts.runs ?? 50;
  for (let i = 0; i < (opts.warmup ?? 5); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { name, runs, medianMs: at(0.5), p95Ms: at(0.95) };
}

/** Prints samples as a table with each one's ratio to the first (the baseline). */
export function report(title: string, samples: readonly Sample[]): void {
  const base = samples[0]?.medianMs ?? Number.NaN;
  console.log(`\n## ${title}`);
  console.log('| case | runs | median ms | p95 ms | ratio to baseline |');
  console.log('|---|---|---|---|---|');
  for (const s of samples) {
    console.log(
      `| ${s.name} | ${s.runs} | ${s.medianMs.toFixed(3)} | ${s.p95Ms.toFixed(3)} | ${(s.medianMs / base).toFixed(2)} |`,
    );
  }
}

/** Milliseconds `run` takes to settle (performance.now). */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}
