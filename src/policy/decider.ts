import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ImagegateError } from '../errors/index.js';
import type { Clock } from '../cache/index.js';
import type { Decider, ImageUnderReview, Verdict } from '../admission/index.js';
import type { Bundle } from './bundle.js';
import { policyInput } from './input.js';
import { EvaluatorPool, type PoolStatus } from './pool.js';
import { verdictFromResult } from './result.js';
import { reviewKeyer, type VerdictKeying } from './review-key.js';
import { VerdictCache, type VerdictCacheStatus } from './verdict-cache.js';

export { MAX_MEMORY_PAGES } from './thread.js';

/** Reviews that may wait for a free evaluator thread when no `maxQueued` is given. */
export const DEFAULT_MAX_QUEUED = 1_024;

/** Verdict cache bounds (config `policy.verdictCache`); any of them 0 turns the cache off. */
export interface VerdictCacheLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxTtlMs: number;
}

export const DEFAULT_VERDICT_CACHE: VerdictCacheLimits = {
  maxEntries: 10_000,
  maxBytes: 16 * 1024 * 1024,
  maxTtlMs: 60_000,
};

export interface DeciderStatus extends PoolStatus {
  readonly verdictCache: VerdictCacheStatus;
}

export interface BundleDecider extends Decider {
  readonly revision: string;
  /** What cached verdicts are keyed on (log it at start-up: `whole-input` and `off` say why). */
  readonly verdictKeying: VerdictKeying;
  /** Threads, busy threads, waiting reviews, replacements and evaluations so far; cache hits and size. */
  status(): DeciderStatus;
  /** Stops every evaluator thread; reviews still waiting or running are undecided. */
  close(): Promise<void>;
}

/**
 * A decider that evaluates one entrypoint of a wasm bundle, with imagegate's host built-ins,
 * on a pool of `evaluators` worker threads (default: one per core), one review per thread at a
 * time, with at most `maxQueued` reviews waiting (default 1024; more are undecided with
 * IMAGEGATE_POLICY_QUEUE_FULL). Evaluation is pure: the same input and bundle give the same
 * verdict; every error and every undefined result is undecided. A review that misses its deadline is
 * undecided and, if it was running, its thread is terminated and replaced; no other review is
 * affected (pool.ts). Every thread loads the bundle before this resolves, so load errors
 * surface here, at start-up.
 *
 * Allow and deny verdicts are cached (verdict-cache.ts) under a key of everything they depend
 * on (review-key.ts): a repeated review is answered without an evaluation until its earliest
 * evidence expires (`validUntil` of every image's facts, on `clock`) or `maxTtlMs` passes.
 * Undecided verdicts and evaluations that read the clock (time.now_ns) are never kept.
 */
export async function createBundleDecider(opts: {
  readonly bundle: Bundle;
  readonly entrypoint: string;
  readonly source: string;
  readonly evaluators?: number;
  readonly maxQueued?: number;
  /** Default DEFAULT_VERDICT_CACHE. */
  readonly verdictCache?: VerdictCacheLimits;
  /** The clock facts' `validUntil` is on (ms). Default performance (monotonic). */
  readonly clock?: Clock;
}): Promise<BundleDecider> {
  const { bundle, entrypoint, source } = opts;
  const names = bundle.manifest.wasm.map((w) => w.entrypoint);
  if (names.length > 0 && !names.includes(entrypoint)) {
    throw new ImagegateError(
      'IMAGEGATE_POLICY_ENTRYPOINT_UNKNOWN',
      `bundle ${source} has no entrypoint ${JSON.stringify(entrypoint)} (it has ${names.map((n) => JSON.stringify(n)).join(', ')}); set policy.entrypoint or build with -e ${entrypoint}`,
    );
  }
  const threads = opts.evaluators ?? availableParallelism();
  const maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
  if (!Number.isInteger(threads) || threads < 1 || !Number.isInteger(maxQueued) || maxQueued < 0) {
    throw new ImagegateError(
      'IMAGEGATE_CONFIG_INVALID',
      `policy evaluators must be an integer ≥ 1 and maxQueued an integer ≥ 0, got ${threads} and ${maxQueued}`,
    );
  }
  const pool = await EvaluatorPool.start({
    init: { wasm: bundle.wasm, data: bundle.data, entrypoint, source },
    threads,
    maxQueued,
  });
  const limits = opts.verdictCache ?? DEFAULT_VERDICT_CACHE;
  const cache = new VerdictCache({ ...limits, clock: opts.clock ?? performance });
  const keyer = reviewKeyer({ bundle, entrypoint, enabled: cache.enabled });
  return {
    revision: bundle.manifest.revision,
    verdictKeying: keyer.keying,
    status: () => ({ ...pool.status(), verdictCache: cache.status() }),
    close: () => pool.close(),
    decide: async ({ request, images, signal, evidenceRevision, namespaceLabels }): Promise<Verdict> => {
      const input = policyInput({ request, images, namespaceLabels });
      const key = keyer.key(input, evidenceRevision);
      const hit = key === undefined ? undefined : cache.get(key);
      if (hit !== undefined) return hit;
      const outcome = await pool.evaluate({ input, signal });
      if (!outcome.ok) return { kind: 'undecided', error: outcome.error };
      const verdict = verdictFromResult({ resultSet: outcome.result, entrypoint });
      if (key !== undefined && verdict.kind !== 'undecided' && !outcome.clockRead)
        cache.set(key, verdict, earliestValidUntil(images));
      return verdict;
    },
  };
}

/** When the first image's evidence goes stale (clock ms); Infinity when no image carries facts. */
function earliestValidUntil(images: readonly ImageUnderReview[]): number {
  return images.reduce((min, image) => Math.min(min, image.facts?.validUntil ?? Infinity), Infinity);
}
