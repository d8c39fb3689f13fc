import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImagegateError } from '../errors/index.js';

/** Wasm pages (64 KiB each): the module starts with 5 and may grow to this; past it, evaluation fails (denied). */
export const MAX_MEMORY_PAGES = 2048;

/** The evaluator thread's module: worker.ts under the test runner, worker.js from dist. */
const WORKER_URL = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** What every evaluator thread of one decider loads. */
export interface ThreadInit {
  readonly wasm: Uint8Array;
  readonly data: Readonly<Record<string, unknown>>;
  readonly entrypoint: string;
  /** Names the bundle in load errors. */
  readonly source: string;
}

/** One evaluation's answer from the thread: the SDK's result set, or why it threw. */
export type ThreadReply =
  | { readonly ok: true; readonly result: unknown; readonly clockRead: boolean }
  | { readonly ok: false; readonly message: string };

/** How a thread reports back to its pool after it is ready. */
export interface ThreadEvents {
  reply(thread: EvaluatorThread, id: number, reply: ThreadReply): void;
  /** The thread crashed or exited by itself (not called after kill()). */
  gone(thread: EvaluatorThread, why: string): void;
}

/**
 * One worker thread holding one instance of the policy. `ready` resolves once the module is
 * loaded and rejects with IMAGEGATE_POLICY_LOAD_FAILED if it cannot be. The pool sends it one
 * input at a time; kill() terminates it without waiting (the caller never blocks on a thread
 * stuck in wasm).
 */
export class EvaluatorThread {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private dead = false;

  constructor(
    init: ThreadInit,
    private readonly events: ThreadEvents,
  ) {
    const { wasm, data, entrypoint, source } = init;
    const worker = new Worker(WORKER_URL, { workerData: { wasm, data, entrypoint, maxMemoryPages: MAX_MEMORY_PAGES } });
    // A thread never holds the process open: close() or process exit ends it.
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const failed = (why: string, cause?: unknown): void => {
        reject(
          new ImagegateError(
            'IMAGEGATE_POLICY_LOAD_FAILED',
            `cannot load ${source}/policy.wasm in a policy evaluator thread: ${why}; rebuild the bundle`,
            { cause },
          ),
        );
        this.lost(why);
      };
      worker.on('message', (msg: unknown) => {
        if (typeof msg !== 'object' || msg === null) return;
        if ('type' in msg && msg.type === 'ready') return resolve();
        if ('type' in msg && msg.type === 'failed')
          return failed('message' in msg && typeof msg.message === 'string' ? msg.message : 'unknown error');
        if ('id' in msg && typeof msg.id === 'number' && !this.dead) this.events.reply(this, msg.id, toReply(msg));
      });
      worker.on('error', (err) => failed(`the thread failed: ${err.message}`, err));
      worker.on('exit', (code) => failed(`the thread exited with code ${code}`));
    });
    // Callers that never await `ready` (a replacement that dies before loading) must not leak an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Hands the thread one input; structured-cloned, not re-serialised. */
  post(id: number, input: unknown): void {
    this.worker.postMessage({ id, input });
  }

  /** Terminates the thread now; it reports nothing more. */
  kill(): Promise<void> {
    this.dead = true;
    return this.worker.terminate().then(() => undefined);
  }

  /** A crash or exit after start-up: reported once, and only if the pool did not kill it. */
  private lost(why: string): void {
    if (this.dead) return;
    this.dead = true;
    this.events.gone(this, why);
  }
}

function toReply(msg: object): ThreadReply {
  if ('ok' in msg && msg.ok === true)
    return {
      ok: true,
      result: 'result' in msg ? msg.result : undefined,
      // Unknown means read: a verdict is cached only when the thread says the clock was not consulted.
      clockRead: !('clockRead' in msg) || msg.clockRead !== false,
    };
  return {
    ok: false,
    message: 'message' in msg && typeof msg.message === 'string' ? msg.message : 'evaluation failed',
  };
}
