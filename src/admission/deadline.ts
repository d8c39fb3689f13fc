import { ImagegateError } from '../errors/index.js';

/**
 * Settles with `work`, or rejects with IMAGEGATE_DEADLINE_EXCEEDED when `signal` aborts first,
 * so a dependency that ignores its signal still cannot make us miss the API server's timeout.
 */
export function withDeadline<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(exceeded(what, signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(exceeded(what, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function exceeded(what: string, signal: AbortSignal): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_DEADLINE_EXCEEDED',
    `${what} did not finish within the review deadline (the API server's ?timeout= minus admission.deadlineMarginMs)`,
    { cause: signal.reason },
  );
}
