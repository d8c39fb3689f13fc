import { availableParallelism } from 'node:os';
import { ImagegateError } from '../errors/index.js';
import type { Decider, Verdict } from '../admission/index.js';
import type { Bundle } from './bundle.js';
import { policyInput } from './input.js';
import { EvaluatorPool, type PoolStatus } from './pool.js';
import { verdictFromResult } from './result.js';

export { MAX_MEMORY_PAGES } from './thread.js';

/** Reviews that may wait for a free evaluator thread when no `maxQueued` is given. */
export const DEFAULT_MAX_QUEUED = 1_024;

export interface BundleDecider extends Decider {
  readonly revision: string;
  /** Threads, busy threads, waiting reviews and replacements so far. */
  status(): PoolStatus;
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
 */
export async function createBundleDecider(opts: {
  readonly bundle: Bundle;
  readonly entrypoint: string;
  readonly source: string;
  readonly evaluators?: number;
  readonly maxQueued?: number;
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
  return {
    revision: bundle.manifest.revision,
    status: () => pool.status(),
    close: () => pool.close(),
    decide: async ({ request, images, signal, namespaceLabels }): Promise<Verdict> => {
      const outcome = await pool.evaluate({ input: policyInput({ request, images, namespaceLabels }), signal });
      if (outcome.ok) return verdictFromResult({ resultSet: outcome.result, entrypoint });
      return { kind: 'undecided', error: outcome.error };
    },
  };
}
