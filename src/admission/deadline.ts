import { ImagegateError } from '../errors/index.js';
import { untilAborted } from './timer.js';

/**
 * Settles with `work`, or rejects with IMAGEGATE_DEADLINE_EXCEEDED when `signal` aborts first,
 * so a dependency that ignores its signal still cannot make us miss the API server's timeout.
 */
export async function withDeadline<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  try {
    return await untilAborted({ work, signal });
  } catch (err) {
    if (signal.aborted && err === signal.reason) throw exceeded(what, signal);
    throw err;
  }
}

function exceeded(what: string, signal: AbortSignal): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_DEADLINE_EXCEEDED',
    `${what} did not finish within the review deadline (the API server's ?timeout= minus admission.deadlineMarginMs)`,
    { cause: signal.reason },
  );
}
