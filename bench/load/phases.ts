/**
 * The load benchmark's measurements. Every comparison runs its two sides in alternating rounds
 * (imagegate, bare, imagegate, bare…) in the same run, so a neighbour's load on the shared
 * machine falls on both sides alike and only their ratio is reported as the result.
 */
import { review, podCase } from '../../test/fixtures/reviews.js';
import { expectAnswer, readAnswer } from './answers.js';
import { cpuMs } from './processes.js';
import { render, type BodySpec, type Tally } from './protocol.js';
import type { Bench } from './setup.js';
import { deploymentReview, fixed } from './reviews.js';
import { WARM_TAGS } from './setup.js';

export type Side = 'imagegate' | 'bare';
export const SIDES: readonly Side[] = ['imagegate', 'bare'];

/** In-flight requests of the closed loop: the API server sends reviews concurrently. */
export const CONCURRENCY = 16;
/** The open loop's offered rate (reviews per second), from the targets. */
export const RATE_PER_SECOND = 2_500;
const CLOSED_MS = 1_500;
const OPEN_MS = 2_000;
const ROUNDS = 3;

export interface LoadFigures {
  /** Reviews per second, one per closed-loop round. */
  readonly throughput: Record<Side, number[]>;
  /** Server CPU time (every thread) per review in the closed-loop rounds, µs. */
  readonly cpuUsPerReview: Record<Side, number>;
  /** Open-loop latencies of every round, ms from the scheduled send. */
  readonly latenciesMs: Record<Side, number[]>;
  /** Largest p99 lag of the driver's own sends in the open loop, ms. */
  readonly sendLagP99Ms: number;
  /** Answers other than 200 `allowed: true`, by status, over all rounds. */
  readonly notAllowed: Record<Side, Record<string, number>>;
}

/** Numbers requests across runs, so that cycles (case b) never repeat a combination early. */
class Sequence {
  private n = 0;
  take(count: number): number {
    const first = this.n;
    this.n += count;
    return first;
  }
}

export function caseA(bench: Bench): BodySpec {
  const [app, proxy, migrate] = bench.images.fixed;
  return deploymentReview([fixed(app), fixed(proxy), fixed(migrate)]);
}

export function caseB(bench: Bench): BodySpec {
  const [app, proxy, migrate] = bench.images.warm;
  return deploymentReview([
    { kind: 'cycle', values: app, period: 1 },
    { kind: 'cycle', values: proxy, period: WARM_TAGS },
    { kind: 'cycle', values: migrate, period: WARM_TAGS * WARM_TAGS },
  ]);
}

function pidOf(bench: Bench, side: Side): number {
  return side === 'imagegate' ? bench.imagegate.pid : bench.bare.pid;
}

function countRefused(into: Record<string, number>, tally: Tally): void {
  for (const [status, n] of Object.entries(tally.statuses)) {
    const refused = status === '200' ? n - tally.allowed : n;
    if (refused > 0) into[status] = (into[status] ?? 0) + refused;
  }
}

/** Sends `spec` to both sides once and checks each answer: allowed, uid echoed. */
export async function checkCase(bench: Bench, spec: BodySpec, what: string): Promise<void> {
  for (const side of SIDES) {
    const uid = `sanity-${side}`;
    const r = await bench.driver.single({
      target: side,
      method: 'POST',
      path: '/validate',
      body: render(spec, 0, uid),
    });
    const answer = readAnswer({ ...r, what: `${what} on ${side}` });
    expectAnswer(answer, { ...(side === 'bare' ? {} : { uid }), patchOps: 0, what: `${what} on ${side}` });
  }
}

/** Closed-loop rounds and then open-loop rounds of `spec`, alternating the sides. */
export async function loadRounds(bench: Bench, spec: BodySpec): Promise<LoadFigures> {
  const seq = new Sequence();
  const { driver } = bench;
  const closed = (side: Side, durationMs: number) =>
    driver.closed({
      kind: 'closed',
      target: side,
      path: '/validate',
      spec,
      first: seq.take(100_000),
      durationMs,
      concurrency: CONCURRENCY,
    });
  for (const side of SIDES) await closed(side, 1_000); // warm-up: JIT, connections, caches
  const throughput: Record<Side, number[]> = { imagegate: [], bare: [] };
  const cpu: Record<Side, { ms: number; reviews: number }> = {
    imagegate: { ms: 0, reviews: 0 },
    bare: { ms: 0, reviews: 0 },
  };
  const notAllowed: Record<Side, Record<string, number>> = { imagegate: {}, bare: {} };
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of SIDES) {
      const before = cpuMs(pidOf(bench, side));
      const r = await closed(side, CLOSED_MS);
      cpu[side].ms += cpuMs(pidOf(bench, side)) - before;
      cpu[side].reviews += r.sent;
      throughput[side].push((r.sent * 1000) / r.elapsedMs);
      countRefused(notAllowed[side], r);
    }
  }
  const latenciesMs: Record<Side, number[]> = { imagegate: [], bare: [] };
  let sendLagP99Ms = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of SIDES) {
      const total = Math.round((RATE_PER_SECOND * OPEN_MS) / 1000);
      const r = await driver.open({
        kind: 'open',
        target: side,
        path: '/validate',
        spec,
        first: seq.take(total),
        durationMs: OPEN_MS,
        ratePerSecond: RATE_PER_SECOND,
      });
      latenciesMs[side].push(...r.latenciesMs);
      sendLagP99Ms = Math.max(sendLagP99Ms, r.sendLagP99Ms);
      countRefused(notAllowed[side], r);
    }
  }
  const perReview = (side: Side): number => (cpu[side].ms * 1000) / cpu[side].reviews;
  return {
    throughput,
    cpuUsPerReview: { imagegate: perReview('imagegate'), bare: perReview('bare') },
    latenciesMs,
    sendLagP99Ms,
    notAllowed,
  };
}

/** Resolves every image of case (b) once through /mutate, and decides each once: its facts are warm after. */
export async function warmCaseB(bench: Bench): Promise<void> {
  const spec = caseB(bench);
  const step = 1 + WARM_TAGS + WARM_TAGS * WARM_TAGS; // request k uses tag k of every container
  for (let k = 0; k < WARM_TAGS; k++) {
    for (const path of ['/mutate', '/validate'] as const) {
      const uid = `warm-${k}`;
      const r = await bench.driver.single({
        target: 'imagegate',
        method: 'POST',
        path,
        body: render(spec, k * step, uid),
      });
      const answer = readAnswer({ ...r, what: `warming case (b) ${path}` });
      expectAnswer(answer, { uid, patchOps: path === '/mutate' ? 3 : 0, what: `warming case (b) ${path} ${k}` });
    }
  }
}

export interface ColdFigures {
  /** One manifest HEAD at the registry, timed by the driver, per round (ms). */
  readonly headMs: number[];
  /** One review of a pod whose 3 images are on 3 tags never asked for, per round (ms). */
  readonly validateMs: number[];
  readonly mutateMs: number[];
}

/**
 * Case (c), one review at a time: a registry round trip (HEAD of a manifest, with the same
 * credentials imagegate uses), then a cold /validate, then a cold /mutate, each on its own
 * three fresh tags (distinct images), so nothing of them is cached anywhere in imagegate.
 */
export async function coldRounds(bench: Bench): Promise<ColdFigures> {
  const { driver, images } = bench;
  const figures: ColdFigures = { headMs: [], validateMs: [], mutateMs: [] };
  const rounds = Math.floor(images.cold.length / 2);
  for (let r = 0; r < rounds; r++) {
    const head = await driver.single({
      target: 'registry',
      method: 'HEAD',
      path: `/v2/team/app/manifests/warm-${r % WARM_TAGS}`,
    });
    if (head.status !== 200) throw new Error(`registry HEAD: HTTP ${head.status}`);
    figures.headMs.push(head.ms);
    const pair = [
      ['/validate', 2 * r, figures.validateMs],
      ['/mutate', 2 * r + 1, figures.mutateMs],
    ] as const;
    // The first of two back-to-back cold reviews runs slower whichever endpoint it is (in-process,
    // registry answering after 5 ms: validate 15.0 vs mutate 10.7 ms validate first, 11.1 vs 10.8
    // mutate first), so the two endpoints take turns going first.
    for (const [path, at, into] of r % 2 === 0 ? pair : [pair[1], pair[0]]) {
      const tags = images.cold[at];
      if (tags === undefined) throw new Error(`no cold images for round ${r}`);
      const uid = `cold-${r}-${path}`;
      const body = render(deploymentReview([fixed(tags[0]), fixed(tags[1]), fixed(tags[2])]), 0, uid);
      const res = await driver.single({ target: 'imagegate', method: 'POST', path, body });
      const answer = readAnswer({ ...res, what: `cold ${path}` });
      expectAnswer(answer, { uid, patchOps: path === '/mutate' ? 3 : 0, what: `cold ${path} round ${r}` });
      into.push(res.ms);
    }
  }
  return figures;
}

/**
 * Images per fill review: few enough that every lookup gets a registry slot (maxConcurrency 8)
 * well within registries.hosts[].timeoutMs, which counts the wait for one.
 */
const FILL_IMAGES = 100;

function fillReview(opts: { readonly host: string; readonly repo: string; readonly from: number }): string {
  const containers = Array.from({ length: FILL_IMAGES }, (_, i) => ({
    name: `c${i}`,
    image: `${opts.host}/${opts.repo}/app:t${opts.from + i}`,
  }));
  const object = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'fill', namespace: 'team-a' },
    spec: { containers },
  };
  return JSON.stringify(review(podCase, { uid: `fill-${opts.repo}-${opts.from}`, object }));
}

/**
 * Fills imagegate's tag caches to `entries` (registries.cacheMaxEntries) resolved tags and as
 * many remembered failures (404s), through /mutate and /validate, from the fill registry.
 */
export async function fillCaches(bench: Bench, entries: number): Promise<void> {
  for (const repo of ['fill', 'missing'] as const) {
    for (let from = 0; from < entries; from += FILL_IMAGES) {
      const body = fillReview({ host: bench.filler.host, repo, from });
      for (const path of ['/mutate', '/validate'] as const) {
        const r = await bench.driver.single({ target: 'imagegate', method: 'POST', path, body });
        const answer = readAnswer({ ...r, what: `filling caches ${path}` });
        const ops = path === '/mutate' && repo === 'fill' ? FILL_IMAGES : 0;
        expectAnswer(answer, { patchOps: ops, what: `filling caches ${path} ${repo} from ${from}` });
      }
    }
  }
}
