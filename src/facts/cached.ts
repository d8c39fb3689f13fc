import { FlightCache, type Clock } from '../cache/index.js';
import { errorMessage, isImagegateError, type ErrorCode } from '../errors/index.js';
import type { FactAnswer, FactMetrics, FactSource } from './source.js';
import { checkFactValue } from './value.js';
import type { PullCredentialsSource } from '../registry/index.js';

/** A failed lookup as the policy sees it, under `facts.<name>.error`. */
export interface FactError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** One fact for the policy (the value, or `{ error }`) and the clock time after which it is stale. */
export interface GatheredFact {
  readonly fact: unknown;
  readonly validUntil: number;
}

/** Longer messages from a source are cut: they end up in every policy input of the image. */
const MAX_MESSAGE = 1_000;

/**
 * A fact source behind its own cache: answers are kept `ttlMs` per (revision, repository, digest)
 * and concurrent reviews asking the same share one lookup. The repository is part of the key
 * because a source may find its evidence beside the image (signatures are stored in the image's
 * repository): one repository's answer must never be served for another's copy of the digest.
 * Failures are never cached: the next review asks again.
 */
export class CachedSource {
  private readonly cache: FlightCache<FactAnswer, FactError>;
  private readonly metrics: FactMetrics;

  constructor(
    readonly source: FactSource,
    opts: { readonly clock: Clock; readonly maxEntries: number; readonly metrics: FactMetrics },
  ) {
    this.metrics = opts.metrics;
    this.cache = new FlightCache({
      clock: opts.clock,
      maxEntries: opts.maxEntries,
      ttlMs: source.ttlMs,
      failureTtlMs: 0,
    });
  }

  async answer(opts: {
    readonly digest: string;
    readonly repository: string;
    readonly signal: AbortSignal;
    readonly pullCredentials?: PullCredentialsSource;
  }): Promise<GatheredFact> {
    const { source } = this;
    const { digest, repository, pullCredentials } = opts;
    const settled = await this.cache.get({
      // The revision is read per lookup: a source whose trust material changes stops being served old answers at once.
      key: JSON.stringify([source.revision, repository, digest]),
      signal: opts.signal,
      work: async (signal) => {
        const answer = await source.lookup({
          digest,
          repository,
          signal,
          ...(pullCredentials === undefined ? {} : { pullCredentials }),
        });
        checkFactValue(source.name, answer.value);
        return answer;
      },
      ttlOf: (answer) => answer.ttlMs,
      toError: (err) => factError(source.name, digest, err),
      cacheable: () => false,
      onAbort: () => ({
        code: 'IMAGEGATE_DEADLINE_EXCEEDED',
        message: `fact source ${source.name}: no answer for ${digest} within the review deadline`,
      }),
    });
    this.metrics.lookup(source.name, settled.cached ? 'hit' : settled.ok ? 'miss' : 'error');
    const fact = settled.ok ? settled.value.value : { error: settled.error };
    return { fact, validUntil: settled.expiresAt };
  }
}

function factError(name: string, digest: string, err: unknown): FactError {
  const code: ErrorCode = isImagegateError(err) ? err.code : 'IMAGEGATE_FACTS_LOOKUP_FAILED';
  const message = isImagegateError(err)
    ? err.message
    : `fact source ${name} failed for ${digest}: ${errorMessage(err)}`;
  if (message.length <= MAX_MESSAGE) return { code, message };
  return { code, message: `${message.slice(0, MAX_MESSAGE)}…[+${message.length - MAX_MESSAGE} chars]` };
}
