import { availableParallelism } from 'node:os';
import { ImagegateError } from '../errors/index.js';
import { withDeadline } from './deadline.js';
import { createParsePool } from './parse-pool.js';
import { summariseReview, type ReviewSummary, type SummaryLimits } from './summary.js';
import { joinSegments, segmentsLength, type BodySegments } from './segments.js';

export interface IntakeLimits {
  /** Reviews in progress at once, from body received to answer (server.maxConcurrentReviews). */
  readonly maxConcurrentReviews: number;
  /** Bytes of bodies waiting for or in the parser threads at once (server.maxParsingBytes). */
  readonly maxParsingBytes: number;
  /** Bodies larger than this are parsed in a parser thread; others inline (server.parseInWorkerAboveBytes). */
  readonly parseInWorkerAboveBytes: number;
  readonly summary: SummaryLimits;
}

/** One admitted review: release() when it has been answered (idempotent). */
export interface AcceptedReview {
  readonly summary: ReviewSummary;
  release(): void;
}

export interface ReviewIntake {
  /**
   * Admits a review and summarises its body, or throws: IMAGEGATE_SERVER_BUSY when a cap is
   * reached, IMAGEGATE_DEADLINE_EXCEEDED when the parse outlives `signal`, and the body's own
   * IMAGEGATE_REQUEST_NOT_UTF8 / IMAGEGATE_REQUEST_MALFORMED. `segments` (the body, in order)
   * are handed over: a segment that owns its whole buffer is moved to the parser thread, not copied.
   */
  accept(opts: { readonly segments: BodySegments; readonly signal: AbortSignal }): Promise<AcceptedReview>;
  /** Parser threads alive now; they end after `idleMs` without work. */
  parserThreads(): number;
  close(): Promise<void>;
}

/**
 * Parser threads: one per core beyond the first (which the event loop keeps), at most 2. More
 * would only queue CPU-bound parses against each other and multiply their heaps.
 */
export const DEFAULT_PARSER_THREADS = Math.max(1, Math.min(2, availableParallelism() - 1));
/** Long enough to reuse a thread across a burst, short enough to hand its heap back soon after. */
export const DEFAULT_PARSER_IDLE_MS = 1_000;

/**
 * Where admission bodies are parsed, and how many at once. A body at or under the threshold is
 * parsed inline: at ~20 MB/s for the worst shapes (many tiny keys) 256 KiB costs ~13 ms of
 * event loop. A larger one goes to a parser thread, so no body holds the event loop past the
 * 50 ms budget. Excess load is refused at once with 503 rather than queued: a queued review
 * holds its whole body in memory while its deadline runs down, so a queue only moves the
 * failure later and makes it cost memory. The API server applies the webhook's failurePolicy
 * to the 503; imagegate never answers `allowed` for a body it has not parsed.
 */
export function createReviewIntake(opts: {
  readonly limits: IntakeLimits;
  readonly parserThreads?: number;
  readonly idleMs?: number;
}): ReviewIntake {
  const { limits } = opts;
  const pool = createParsePool({
    maxThreads: opts.parserThreads ?? DEFAULT_PARSER_THREADS,
    idleMs: opts.idleMs ?? DEFAULT_PARSER_IDLE_MS,
  });
  let reviews = 0;
  let parsingBytes = 0;

  const parseOffThread = async (segments: BodySegments, size: number, signal: AbortSignal): Promise<ReviewSummary> => {
    if (parsingBytes + size > limits.maxParsingBytes)
      throw busy(
        `${mb(size)} body refused: ${mb(parsingBytes)} of review bodies are waiting for or in the parser already and the cap is ${mb(limits.maxParsingBytes)} (server.maxParsingBytes)`,
      );
    parsingBytes += size;
    const work = pool.summarise({ segments, limits: limits.summary }).finally(() => (parsingBytes -= size));
    return withDeadline(work, signal, `parsing the ${mb(size)} request body`);
  };

  return {
    accept: async ({ segments, signal }) => {
      if (reviews >= limits.maxConcurrentReviews)
        throw busy(
          `${reviews} reviews are in progress already; the cap is server.maxConcurrentReviews (${limits.maxConcurrentReviews})`,
        );
      reviews++;
      let held = true;
      const release = (): void => {
        if (held) reviews--;
        held = false;
      };
      try {
        const size = segmentsLength(segments);
        // Joining is a copy of the body: cheap at or under the threshold, done by the thread above it.
        const summary =
          size > limits.parseInWorkerAboveBytes
            ? await parseOffThread(segments, size, signal)
            : summariseReview({ bytes: joinSegments(segments), limits: limits.summary });
        return { summary, release };
      } catch (err) {
        release();
        throw err;
      }
    },
    parserThreads: () => pool.threads(),
    close: () => pool.close(),
  };
}

function busy(why: string): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_SERVER_BUSY',
    `imagegate is at capacity: ${why}; the API server applies the webhook's failurePolicy; retry, add replicas or raise the limit`,
  );
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}
