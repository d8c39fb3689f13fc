/** Prints the load benchmark's figures as markdown tables, each with its ratio and target. */
import type { Sample } from '../harness.js';
import { CONCURRENCY, RATE_PER_SECOND, type ColdFigures, type LoadFigures } from './phases.js';
import { median, quantile } from './stats.js';

/** A target on a ratio or a figure: at least or at most `value`. */
interface Target {
  readonly atLeast?: number;
  readonly atMost?: number;
}

function verdict(value: number, target: Target | undefined): string {
  if (target?.atLeast !== undefined)
    return value >= target.atLeast
      ? `≥ ${target.atLeast}: met`
      : `≥ ${target.atLeast}: missed (${((100 * value) / target.atLeast).toFixed(0)} % of it)`;
  if (target?.atMost !== undefined)
    return value <= target.atMost
      ? `≤ ${target.atMost}: met`
      : `≤ ${target.atMost}: missed (${(value / target.atMost).toFixed(2)}× it)`;
  return '';
}

const f = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

function row(cells: readonly string[]): void {
  console.log(`| ${cells.join(' | ')} |`);
}

function refusals(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([status, n]) => `${n}× ${status}`).join(', ');
}

function loadRows(name: string, fig: LoadFigures, throughputTarget: Target, p99Target?: Target): void {
  const tput = { imagegate: median(fig.throughput.imagegate), bare: median(fig.throughput.bare) };
  row([
    name,
    `closed-loop throughput, ${CONCURRENCY} in flight (reviews/s, median of rounds)`,
    f(tput.imagegate, 0),
    f(tput.bare, 0),
    f(tput.imagegate / tput.bare),
    verdict(tput.imagegate / tput.bare, throughputTarget),
  ]);
  for (const [q, label, target] of [
    [0.5, 'p50', undefined],
    [0.99, 'p99', p99Target],
  ] as const) {
    const ig = quantile(fig.latenciesMs.imagegate, q);
    const bare = quantile(fig.latenciesMs.bare, q);
    row([
      name,
      `${label} at ${RATE_PER_SECOND}/s offered (ms)`,
      f(ig),
      f(bare),
      f(ig / bare),
      verdict(ig / bare, target),
    ]);
  }
  const cpu = fig.cpuUsPerReview;
  row([
    name,
    'server CPU per review (µs, every thread)',
    f(cpu.imagegate, 0),
    f(cpu.bare, 0),
    f(cpu.imagegate / cpu.bare),
    '',
  ]);
  row([
    name,
    'answers other than 200 allowed',
    refusals(fig.notAllowed.imagegate),
    refusals(fig.notAllowed.bare),
    '',
    '',
  ]);
}

export function reportLoad(opts: {
  readonly bodyBytes: number;
  readonly a?: LoadFigures;
  readonly b?: LoadFigures;
}): void {
  console.log(
    `\n## load: imagegate (dist/, as \`imagegate serve\`) vs a bare fastify HTTPS route, ${(opts.bodyBytes / 1024).toFixed(1)} KB Deployment review, alternating rounds of one run`,
  );
  row(['case', 'figure', 'imagegate', 'bare route', 'ratio', 'target (ratio)']);
  row(['---', '---', '---', '---', '---', '---']);
  const ran = [opts.a, opts.b].filter((x) => x !== undefined);
  if (opts.a !== undefined) loadRows('(a) repeated review', opts.a, { atLeast: 0.6 }, { atMost: 1.5 });
  if (opts.b !== undefined) loadRows('(b) policy evaluation, warm facts', opts.b, { atLeast: 0.35 });
  const bareMax = Math.max(...ran.flatMap((x) => x.throughput.bare));
  if (bareMax < RATE_PER_SECOND)
    console.log(
      `\nNote: the bare route itself answered at most ${f(bareMax, 0)} reviews/s in this run, below the ${RATE_PER_SECOND}/s offered: both sides queued, so the p50/p99 ratios compare queues on an overloaded machine, not service times.`,
    );
  const lag = Math.max(...ran.map((x) => x.sendLagP99Ms));
  console.log(
    `\nThe driver's own send lag, p99: ${f(lag)} ms (latencies count from the scheduled send, so this much is the client's, on both sides).`,
  );
}

export function reportCold(cold: ColdFigures): void {
  const head = median(cold.headMs);
  console.log(
    `\n## (c) cold review: a pod with 3 images on 3 tags never asked for, against the test registry (TLS, htpasswd), one at a time; median of ${cold.headMs.length}`,
  );
  row(['review', 'imagegate (ms)', 'one registry round trip: manifest HEAD (ms)', 'ratio', 'target (ratio)']);
  row(['---', '---', '---', '---', '---']);
  for (const [name, xs] of [
    ['cold /validate', cold.validateMs],
    ['cold /mutate (resolves and pins the 3 tags)', cold.mutateMs],
  ] as const) {
    const ms = median(xs);
    row([name, f(ms), f(head), f(ms / head), verdict(ms / head, { atMost: 1.5 })]);
  }
}

export function reportProcess(opts: {
  readonly policy: Sample;
  readonly started: { readonly rss: number };
  readonly afterLoad: { readonly rss: number; readonly peak: number };
  readonly full: { readonly rss: number; readonly peak: number };
  readonly cacheEntries: number;
}): void {
  console.log('\n## per review and per process');
  row(['figure', 'value', 'target']);
  row(['---', '---', '---']);
  const us = opts.policy.medianMs * 1000;
  row([`${opts.policy.name}, median (µs)`, f(us, 1), verdict(us, { atMost: 50 })]);
  row(['imagegate RSS after start-up (MiB)', f(opts.started.rss, 0), '']);
  row(['imagegate peak RSS after the load rounds (MiB)', f(opts.afterLoad.peak, 0), '']);
  row([
    `imagegate peak RSS with full caches: ${opts.cacheEntries} resolved tags + ${opts.cacheEntries} remembered failures (MiB)`,
    f(opts.full.peak, 0),
    verdict(opts.full.peak, { atMost: 150 }),
  ]);
}
