import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImagegateError, isErrorCode } from '../errors/index.js';
import type { ReviewSummary, SummaryLimits } from './summary.js';
import { isReviewSummary } from './summary-check.js';
import type { BodySegments } from './segments.js';

/** The parser thread's module: parse-worker.ts under the test runner, parse-worker.js from dist. */
const WORKER_URL = new URL(`./parse-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * Heap of one parser thread (MiB). A 7 MiB body with 432k keys peaks at a few hundred MiB; a
 * body built to exceed this ends its thread (the review fails, never allowed) instead of
 * exhausting the process, which an unlimited thread's out-of-memory would take down whole.
 */
const PARSER_HEAP_MB = 1024;

export interface ParsePool {
  /**
   * Summarises one body in a parser thread, which joins its segments. `segments` are handed
   * over: each one's buffer is transferred (no copy) when the view owns all of it, and the caller
   * must not read them afterwards. A parse always runs to the end (it is bounded by the body
   * limit); callers stop waiting on their own.
   */
  summarise(opts: { readonly segments: BodySegments; readonly limits: SummaryLimits }): Promise<ReviewSummary>;
  /** Threads currently alive (0 once every one has idled out). */
  readonly threads: () => number;
  close(): Promise<void>;
}

interface Task {
  readonly segments: BodySegments;
  readonly limits: SummaryLimits;
  readonly resolve: (s: ReviewSummary) => void;
  readonly reject: (err: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  task: Task | undefined;
  idle: NodeJS.Timeout | undefined;
}

/**
 * At most `maxThreads` parser threads, started on demand, one task each at a time (the rest
 * queue here, in arrival order). A thread idle for `idleMs` is terminated: a parse of a large
 * body grows its heap by hundreds of MB, and ending the thread is what returns that memory.
 */
export function createParsePool(opts: { readonly maxThreads: number; readonly idleMs: number }): ParsePool {
  const threads = new Set<Thread>();
  const queue: Task[] = [];
  let closed = false;

  const pump = (): void => {
    while (queue.length > 0) {
      const thread =
        [...threads].find((t) => t.task === undefined) ?? (threads.size < opts.maxThreads ? spawn() : undefined);
      const task = thread === undefined ? undefined : queue.shift();
      if (thread === undefined || task === undefined) return;
      run(thread, task);
    }
  };

  const spawn = (): Thread => {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: PARSER_HEAP_MB } });
    const thread: Thread = { worker, task: undefined, idle: undefined };
    thread.worker.unref();
    thread.worker.on('message', (msg: unknown) => finish(thread, msg));
    thread.worker.on('error', (err) => stopped(thread, `the parser thread failed: ${err.message}`));
    thread.worker.on('exit', () => stopped(thread, 'the parser thread stopped'));
    threads.add(thread);
    return thread;
  };

  const run = (thread: Thread, task: Task): void => {
    clearTimeout(thread.idle);
    thread.task = task;
    const segments = task.segments.map(ownedCopy);
    const buffers = new Set(segments.flatMap((s) => (s.buffer instanceof ArrayBuffer ? [s.buffer] : [])));
    thread.worker.postMessage({ segments, limits: task.limits }, [...buffers]);
  };

  const finish = (thread: Thread, msg: unknown): void => {
    const task = thread.task;
    thread.task = undefined;
    if (task !== undefined) settle(task, msg);
    thread.idle = setTimeout(() => void retire(thread), opts.idleMs).unref();
    pump();
  };

  const stopped = (thread: Thread, why: string): void => {
    if (!threads.delete(thread)) return;
    clearTimeout(thread.idle);
    thread.task?.reject(new Error(why));
    thread.task = undefined;
    if (!closed) pump();
  };

  const retire = async (thread: Thread): Promise<void> => {
    if (thread.task !== undefined) return;
    threads.delete(thread);
    await thread.worker.terminate();
  };

  return {
    summarise: ({ segments, limits }) =>
      new Promise<ReviewSummary>((resolve, reject) => {
        if (closed) return reject(new Error('the parser pool is closed'));
        queue.push({ segments, limits, resolve, reject });
        pump();
      }),
    threads: () => threads.size,
    close: async () => {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new Error('the parser pool is closed'));
      const all = [...threads];
      threads.clear();
      for (const t of all) {
        clearTimeout(t.idle);
        t.task?.reject(new Error('the parser pool is closed'));
      }
      await Promise.all(all.map((t) => t.worker.terminate()));
    },
  };
}

/**
 * A view that owns its whole buffer, so transferring it moves exactly these bytes. A Buffer
 * may be a slice of a shared pool: transferring that would detach every other Buffer in it.
 */
function ownedCopy(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole ? bytes : new Uint8Array(bytes);
}

function settle(task: Task, msg: unknown): void {
  if (typeof msg !== 'object' || msg === null || !('ok' in msg))
    return task.reject(new Error('the parser thread answered without a result'));
  if (msg.ok === true && 'summary' in msg && isReviewSummary(msg.summary)) return task.resolve(msg.summary);
  const message =
    'message' in msg && typeof msg.message === 'string'
      ? msg.message
      : 'the parser thread answered with a malformed summary';
  if ('code' in msg && typeof msg.code === 'string' && isErrorCode(msg.code))
    return task.reject(new ImagegateError(msg.code, message));
  task.reject(new Error(message));
}
