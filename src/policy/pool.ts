import { ImagegateError, type ErrorCode } from '../errors/index.js';
import { EvaluatorThread, type ThreadInit, type ThreadReply } from './thread.js';

/**
 * An evaluation's outcome: the SDK's result set (and whether it consulted the clock, so may
 * differ for the same input later), or why there is none (always undecided).
 */
export type PoolOutcome =
  | { readonly ok: true; readonly result: unknown; readonly clockRead: boolean }
  | { readonly ok: false; readonly error: ImagegateError };

/** A snapshot for tests, logs and metrics. */
export interface PoolStatus {
  /** Configured threads. */
  readonly threads: number;
  /** Threads loaded and alive (idle or busy); below `threads` while replacements load. */
  readonly live: number;
  readonly busy: number;
  /** Reviews waiting for a free thread. */
  readonly queued: number;
  /** Threads terminated at a deadline or lost to a crash, each replaced since start-up. */
  readonly replaced: number;
  /** Reviews handed to a thread since start-up (each one policy evaluation). */
  readonly evaluations: number;
}

interface Job {
  readonly input: unknown;
  readonly signal: AbortSignal;
  readonly done: (outcome: PoolOutcome) => void;
}

type Slot =
  | { readonly state: 'starting'; readonly thread: EvaluatorThread }
  | { readonly state: 'idle'; readonly thread: EvaluatorThread }
  | { readonly state: 'busy'; readonly thread: EvaluatorThread; readonly job: Job; readonly id: number }
  | { readonly state: 'retrying'; readonly timer: NodeJS.Timeout }
  | { readonly state: 'closed' };

/** Wait before loading a replacement again after one failed to load (ms). */
const RETRY_MS = 1_000;

/**
 * A fixed number of evaluator threads, each evaluating ONE review at a time; the main thread
 * keeps the queue and hands reviews to idle threads in arrival order. Isolation contract (the
 * attack: a caller choosing a 1 ms deadline to undecide other tenants' reviews): a review whose
 * deadline fires while queued is only taken off the queue; one whose deadline fires while
 * running terminates only its own thread, which is replaced in the background; a thread that
 * crashes undecides only the review it was running. No review is ever settled by another
 * review's deadline. When `maxQueued` reviews already wait, a new one is refused at once
 * (IMAGEGATE_POLICY_QUEUE_FULL) rather than waiting out its deadline.
 */
export class EvaluatorPool {
  private readonly slots: Slot[] = [];
  /** Insertion-ordered: first in, first dispatched; a job leaves in O(1) at its deadline. */
  private readonly queue = new Set<Job>();
  private nextId = 0;
  private replaced = 0;
  private evaluations = 0;
  private closed = false;

  private constructor(
    private readonly init: ThreadInit,
    private readonly maxQueued: number,
  ) {}

  /** Starts `threads` threads and waits until every one has loaded the policy; if one cannot, stops all and throws its error. */
  static async start(opts: {
    readonly init: ThreadInit;
    readonly threads: number;
    readonly maxQueued: number;
  }): Promise<EvaluatorPool> {
    const pool = new EvaluatorPool(opts.init, opts.maxQueued);
    const threads = Array.from({ length: opts.threads }, () => pool.spawn());
    threads.forEach((thread) => pool.slots.push({ state: 'starting', thread }));
    // Each thread is idle once loaded, so one that crashes before the others are ready is replaced (lost()).
    const loaded = await Promise.allSettled(
      threads.map((thread, i) => thread.ready.then(() => pool.loaded(i, thread))),
    );
    const failure = loaded.find((r) => r.status === 'rejected');
    if (failure !== undefined) {
      await pool.close();
      throw failure.reason;
    }
    return pool;
  }

  /** Evaluates `input` on the next free thread, under `signal` (the review's deadline). Never rejects. */
  evaluate(opts: { readonly input: unknown; readonly signal: AbortSignal }): Promise<PoolOutcome> {
    return new Promise<PoolOutcome>((resolve) => {
      if (this.closed)
        return resolve(
          failure(
            'IMAGEGATE_POLICY_EVALUATION_FAILED',
            'the policy evaluators are stopped (the server is shutting down)',
          ),
        );
      if (opts.signal.aborted) return resolve(this.deadline('the review deadline had passed before evaluation'));
      const onAbort = (): void => this.abort(job);
      const job: Job = {
        input: opts.input,
        signal: opts.signal,
        done: (outcome) => {
          opts.signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      const idle = this.slots.findIndex((s) => s.state === 'idle');
      if (idle < 0 && this.queue.size >= this.maxQueued) {
        return resolve(
          failure(
            'IMAGEGATE_POLICY_QUEUE_FULL',
            `all ${this.slots.length} policy evaluator thread(s) are busy (or being replaced) and ${this.queue.size} review(s) already wait (limit policy.maxQueued = ${this.maxQueued}); retry, or raise policy.evaluators or policy.maxQueued`,
          ),
        );
      }
      opts.signal.addEventListener('abort', onAbort, { once: true });
      if (idle >= 0) this.dispatch(idle, job);
      else this.queue.add(job);
    });
  }

  status(): PoolStatus {
    const count = (state: Slot['state']): number => this.slots.filter((s) => s.state === state).length;
    return {
      threads: this.slots.length,
      live: count('idle') + count('busy'),
      busy: count('busy'),
      queued: this.queue.size,
      replaced: this.replaced,
      evaluations: this.evaluations,
    };
  }

  /** Undecides every waiting and running review, and terminates every thread. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue)
      job.done(
        failure(
          'IMAGEGATE_POLICY_EVALUATION_FAILED',
          'the policy evaluators were stopped (the server is shutting down)',
        ),
      );
    this.queue.clear();
    const stopping = this.slots.map((slot, i) => {
      this.slots[i] = { state: 'closed' };
      switch (slot.state) {
        case 'busy':
          slot.job.done(
            failure(
              'IMAGEGATE_POLICY_EVALUATION_FAILED',
              'the policy evaluators were stopped (the server is shutting down)',
            ),
          );
          return slot.thread.kill();
        case 'starting':
        case 'idle':
          return slot.thread.kill();
        case 'retrying':
          clearTimeout(slot.timer);
          return Promise.resolve();
        case 'closed':
          return Promise.resolve();
      }
    });
    await Promise.all(stopping);
  }

  private spawn(): EvaluatorThread {
    return new EvaluatorThread(this.init, {
      reply: (thread, id, reply) => this.replied(thread, id, reply),
      gone: (thread, why) => this.lost(thread, why),
    });
  }

  private dispatch(index: number, job: Job): void {
    const slot = this.slots[index];
    if (slot?.state !== 'idle') return;
    const id = this.nextId++;
    this.slots[index] = { state: 'busy', thread: slot.thread, job, id };
    this.evaluations++;
    slot.thread.post(id, job.input);
  }

  /** Gives waiting reviews to idle threads, oldest first. */
  private pump(): void {
    for (const job of this.queue) {
      const idle = this.slots.findIndex((s) => s.state === 'idle');
      if (idle < 0) return;
      this.queue.delete(job);
      this.dispatch(idle, job);
    }
  }

  private replied(thread: EvaluatorThread, id: number, reply: ThreadReply): void {
    const index = this.slots.findIndex((s) => s.state === 'busy' && s.thread === thread && s.id === id);
    const slot = this.slots[index];
    if (slot?.state !== 'busy') return;
    this.slots[index] = { state: 'idle', thread };
    slot.job.done(
      reply.ok
        ? reply
        : failure('IMAGEGATE_POLICY_EVALUATION_FAILED', `evaluating ${this.init.entrypoint} failed: ${reply.message}`),
    );
    this.pump();
  }

  /** A review's deadline fired: only that review is undecided, and only its thread (if any) is stopped. */
  private abort(job: Job): void {
    if (this.queue.delete(job)) {
      job.done(
        this.deadline(
          `the review waited for a free policy evaluator (all ${this.slots.length} thread(s) busy or being replaced); raise policy.evaluators if this recurs`,
        ),
      );
      return;
    }
    const index = this.slots.findIndex((s) => s.state === 'busy' && s.job === job);
    const slot = this.slots[index];
    if (slot?.state !== 'busy') return;
    job.done(this.deadline('the evaluation was stopped'));
    void slot.thread.kill();
    this.replaced++;
    this.replace(index);
  }

  /** A thread crashed or exited: the review it ran (if any) is undecided, the thread replaced. */
  private lost(thread: EvaluatorThread, why: string): void {
    const index = this.slots.findIndex((s) => (s.state === 'busy' || s.state === 'idle') && s.thread === thread);
    const slot = this.slots[index];
    if (slot === undefined) return;
    if (slot.state === 'busy')
      slot.job.done(
        failure(
          'IMAGEGATE_POLICY_EVALUATION_FAILED',
          `evaluating ${this.init.entrypoint} failed: the policy evaluator thread was lost (${why})`,
        ),
      );
    this.replaced++;
    this.replace(index);
  }

  /** Loads a new thread into slot `index` without waiting for it; other threads keep serving meanwhile. */
  private replace(index: number): void {
    if (this.closed) return;
    const thread = this.spawn();
    this.slots[index] = { state: 'starting', thread };
    thread.ready.then(
      () => this.loaded(index, thread),
      () => {
        void thread.kill();
        const slot = this.slots[index];
        if (slot?.state !== 'starting' || slot.thread !== thread) return;
        const timer = setTimeout(() => this.replace(index), RETRY_MS);
        timer.unref();
        this.slots[index] = { state: 'retrying', timer };
      },
    );
  }

  /** A thread in slot `index` finished loading: it takes the oldest waiting review, if any. */
  private loaded(index: number, thread: EvaluatorThread): void {
    const slot = this.slots[index];
    if (slot?.state !== 'starting' || slot.thread !== thread) return;
    this.slots[index] = { state: 'idle', thread };
    this.pump();
  }

  private deadline(why: string): PoolOutcome {
    return failure(
      'IMAGEGATE_POLICY_EVALUATION_FAILED',
      `evaluating ${this.init.entrypoint}: no verdict within the review deadline; ${why}`,
    );
  }
}

function failure(code: ErrorCode, message: string): PoolOutcome {
  return { ok: false, error: new ImagegateError(code, message) };
}
