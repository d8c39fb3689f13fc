import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImagegateError } from '../errors/index.js';
import type { Decider, Verdict } from '../admission/index.js';
import type { Bundle } from './bundle.js';
import { policyInput } from './input.js';
import { verdictFromResult } from './result.js';

/** Wasm pages (64 KiB each): the module starts with 5 and may grow to this; past it, evaluation fails (denied). */
export const MAX_MEMORY_PAGES = 2048;

/** The evaluator thread's module: worker.ts under the test runner, worker.js from dist. */
const WORKER_URL = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

type Reply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly message: string };

export interface BundleDecider extends Decider {
  readonly revision: string;
  /** Stops the evaluator thread. */
  close(): Promise<void>;
}

/**
 * A decider that evaluates one entrypoint of a wasm bundle, with imagegate's host built-ins,
 * in a worker thread. Evaluation is pure: the same input and bundle give the same verdict; every
 * error and every undefined result is undecided. A decision that misses its deadline is
 * undecided too, and its thread is terminated (a runaway policy cannot hold the event loop);
 * the next decision starts a fresh one. Load errors surface here, at start-up.
 */
export async function createBundleDecider(opts: {
  readonly bundle: Bundle;
  readonly entrypoint: string;
  readonly source: string;
}): Promise<BundleDecider> {
  const { bundle, entrypoint, source } = opts;
  const names = bundle.manifest.wasm.map((w) => w.entrypoint);
  if (names.length > 0 && !names.includes(entrypoint)) {
    throw new ImagegateError(
      'IMAGEGATE_POLICY_ENTRYPOINT_UNKNOWN',
      `bundle ${source} has no entrypoint ${JSON.stringify(entrypoint)} (it has ${names.map((n) => JSON.stringify(n)).join(', ')}); set policy.entrypoint or build with -e ${entrypoint}`,
    );
  }
  const thread = new EvaluatorThread({ wasm: bundle.wasm, data: bundle.data, source });
  await thread.start();
  return {
    revision: bundle.manifest.revision,
    close: () => thread.stop(),
    decide: async ({ request, images, signal }): Promise<Verdict> => {
      const reply = await thread.evaluate({ input: policyInput({ request, images }), entrypoint, signal });
      if (reply.ok) return verdictFromResult({ resultSet: reply.result, entrypoint });
      return { kind: 'undecided', error: new ImagegateError('IMAGEGATE_POLICY_EVALUATION_FAILED', `evaluating ${entrypoint} failed: ${reply.message}`) };
    },
  };
}

/** One evaluator thread at a time, replaced after a deadline kill or a crash. */
class EvaluatorThread {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, (reply: Reply) => void>();

  constructor(private readonly init: { readonly wasm: Uint8Array; readonly data: Readonly<Record<string, unknown>>; readonly source: string }) {}

  start(): Promise<void> {
    if (this.ready !== undefined) return this.ready;
    const worker = new Worker(WORKER_URL, { workerData: { wasm: this.init.wasm, data: this.init.data, maxMemoryPages: MAX_MEMORY_PAGES } });
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: unknown) => {
        if (typeof msg !== 'object' || msg === null) return;
        if ('type' in msg && msg.type === 'ready') return resolve();
        if ('type' in msg && msg.type === 'failed') {
          const why = 'message' in msg && typeof msg.message === 'string' ? msg.message : 'unknown error';
          return reject(new ImagegateError('IMAGEGATE_POLICY_LOAD_FAILED', `cannot load ${this.init.source}/policy.wasm: ${why}; rebuild the bundle`));
        }
        if ('id' in msg && typeof msg.id === 'number') this.settle(msg.id, toReply(msg));
      });
      worker.on('error', (err) => {
        reject(new ImagegateError('IMAGEGATE_POLICY_LOAD_FAILED', `the policy evaluator thread failed: ${err.message}`, { cause: err }));
        this.discard(worker, `the policy evaluator thread failed: ${err.message}`);
      });
      worker.on('exit', () => this.discard(worker, 'the policy evaluator thread stopped'));
    });
    return this.ready;
  }

  async evaluate(opts: { readonly input: unknown; readonly entrypoint: string; readonly signal: AbortSignal }): Promise<Reply> {
    await this.start();
    const worker = this.worker;
    if (worker === undefined) return { ok: false, message: 'the policy evaluator thread is not running' };
    const id = this.nextId++;
    return new Promise<Reply>((resolve) => {
      const onAbort = (): void => {
        resolve({ ok: false, message: 'no verdict within the review deadline; the evaluation was stopped' });
        this.pending.delete(id);
        void this.kill(worker);
      };
      if (opts.signal.aborted) return onAbort();
      opts.signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, (reply) => {
        opts.signal.removeEventListener('abort', onAbort);
        resolve(reply);
      });
      worker.postMessage({ id, input: opts.input, entrypoint: opts.entrypoint });
    });
  }

  async stop(): Promise<void> {
    if (this.worker !== undefined) await this.kill(this.worker);
  }

  private settle(id: number, reply: Reply): void {
    const done = this.pending.get(id);
    this.pending.delete(id);
    done?.(reply);
  }

  /** Terminates a thread; its in-flight evaluations are undecided, the next one starts a new thread. */
  private async kill(worker: Worker): Promise<void> {
    this.discard(worker, 'the policy evaluator thread was stopped at a deadline');
    await worker.terminate();
  }

  private discard(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    for (const [id] of this.pending) this.settle(id, { ok: false, message: why });
  }
}

function toReply(msg: object): Reply {
  if ('ok' in msg && msg.ok === true) return { ok: true, result: 'result' in msg ? msg.result : undefined };
  return { ok: false, message: 'message' in msg && typeof msg.message === 'string' ? msg.message : 'evaluation failed' };
}
