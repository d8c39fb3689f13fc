/**
 * A deadline owned by the operation it bounds.
 *
 * Why not `AbortSignal.any([caller, AbortSignal.timeout(ms)])`: Node's timeout signal is held
 * only weakly by its timer, and a composite holds its sources weakly too, so a garbage
 * collection can drop the timeout signal before it fires. On Node 20, 200 such composites and
 * one `gc()` left 0 of 200 aborted: per-host limits silently never fired. Here the timer is an
 * ordinary `setTimeout` whose callback holds the controller (live timers are GC roots), and the
 * operation clears it when it settles, so a deadline can neither be collected nor outlive it.
 */
export interface Deadline {
  /** Aborts when `ms` passes (reason: a `TimeoutError` DOMException) or the parent aborts (its reason). */
  readonly signal: AbortSignal;
  /** True once this deadline's own limit passed; false when only the parent aborted. */
  readonly expired: boolean;
  /** Clears the timer and the parent listener; idempotent. Call when the operation settles. */
  dispose(): void;
}

export interface DeadlineOptions {
  /** Milliseconds from now. Clamped to [0, 2^31 - 1] (setTimeout fires at once beyond that). */
  readonly ms: number;
  /** The caller's signal (e.g. the review deadline): whichever ends first aborts `signal`. */
  readonly parent?: AbortSignal;
  /** Names the limit in the abort reason, e.g. "registries.hosts[].timeoutMs = 5000 ms". */
  readonly what?: string;
}

const MAX_TIMER_MS = 2_147_483_647;

/** Starts a deadline now; see Deadline. The caller must `dispose()` it (try/finally). */
export function startDeadline(opts: DeadlineOptions): Deadline {
  const controller = new AbortController();
  const parent = opts.parent;
  let expired = false;
  const onParent = (): void => {
    clearTimeout(timer);
    controller.abort(parent?.reason);
  };
  const timer = setTimeout(
    () => {
      expired = true;
      parent?.removeEventListener('abort', onParent);
      controller.abort(
        new DOMException(`deadline passed${opts.what === undefined ? '' : ` (${opts.what})`}`, 'TimeoutError'),
      );
    },
    Math.min(MAX_TIMER_MS, Math.max(0, opts.ms)),
  );
  if (parent?.aborted === true) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/**
 * Settles like `work`, or rejects with `signal.reason` as soon as `signal` aborts, whichever is
 * first. For dependencies that notice their signal only lazily: undici rejects an aborted
 * request still queued in its pool only once a connection frees up, which behind a silent
 * server meant reads ending seconds after their deadline. `work` is not stopped by this (its
 * own signal does that); its late outcome is dropped.
 */
export function untilAborted<T>(opts: { readonly work: Promise<T>; readonly signal: AbortSignal }): Promise<T> {
  const { work, signal } = opts;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
