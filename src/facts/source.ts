import { ImagegateError } from '../errors/index.js';
import type { PullCredentialsSource } from '../registry/index.js';

/**
 * Something known about an image digest: its signatures, its health grade, … One source answers
 * for every image; its answer goes to the policy as `input.images[i].facts.<name>`.
 */
export interface FactSource {
  /**
   * The fact's key in `input.images[i].facts`: a lowercase letter, then lowercase letters, digits
   * or `_`, at most 63 characters (so it is a plain Rego identifier and never `__proto__`).
   */
  readonly name: string;
  /**
   * Changes whenever what `lookup` answers for a digest may change (trust roots, a grades data
   * version). Part of the fact cache key and of the evidence revision a verdict is cached under.
   */
  readonly revision: string;
  /** How long (ms) an answer for one digest is reused; 0: asked again by every review. */
  readonly ttlMs: number;
  /**
   * The fact about `digest` (an image in `repository`, e.g. `registry.example.com/team/app`). Its
   * `value` must be a JSON value (not undefined, and not an object with a top-level `error` key,
   * which is how the policy sees a failure). Throws, preferably an ImagegateError with its code,
   * when it cannot tell; `signal` aborts when no review waits for the answer any more.
   * An image that carries its digest is looked up whatever its host: a source that reads from
   * the image's own registry must do so through the registry room, which refuses hosts outside
   * registries.hosts without any I/O (SSRF through an image name).
   */
  lookup(opts: FactLookup): Promise<FactAnswer>;
}

export interface FactLookup {
  /** The digest judged (`sha256:<64 hex>` or `sha512:<128 hex>`). */
  readonly digest: string;
  /** The normalised repository, e.g. registry.access.redhat.com/ubi9/ubi-minimal. */
  readonly repository: string;
  /** The review's deadline: the lookup ends when it aborts. */
  readonly signal: AbortSignal;
  /**
   * The pull secrets of the review's object, read at most once and only when called: a source
   * reading from the image's own registry (signatures) passes them to the registry room, which
   * sends them only to the host they are for. Concurrent reviews of one digest share one lookup,
   * made with the first one's.
   */
  readonly pullCredentials?: PullCredentialsSource;
}

/** A source's answer: the fact's value, and how long it holds when sooner than the source's `ttlMs`. */
export interface FactAnswer {
  readonly value: unknown;
  /** Until stale (ms from now), e.g. a grade's next drop or a certificate's expiry; capped by `ttlMs`. */
  readonly ttlMs?: number;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Refuses sources whose answers could not reach the policy intact: a name that is not a plain
 * Rego identifier, two sources with one name (one would silently hide the other), a TTL that is
 * not a whole number of ms ≥ 0.
 * @throws ImagegateError IMAGEGATE_FACTS_SOURCE_INVALID
 */
export function checkSources(sources: readonly FactSource[]): void {
  const seen = new Set<string>();
  for (const s of sources) {
    if (!NAME.test(s.name))
      throw invalid(`fact source name ${JSON.stringify(s.name.slice(0, 80))} is not [a-z][a-z0-9_]{0,62}`);
    if (seen.has(s.name)) throw invalid(`two fact sources are named ${JSON.stringify(s.name)}; give each its own name`);
    seen.add(s.name);
    if (!Number.isSafeInteger(s.ttlMs) || s.ttlMs < 0)
      throw invalid(`fact source ${s.name}: ttlMs must be a whole number of ms ≥ 0, got ${s.ttlMs}`);
  }
}

function invalid(message: string): ImagegateError {
  return new ImagegateError('IMAGEGATE_FACTS_SOURCE_INVALID', message);
}

/**
 * Told about every fact lookup: the source's name (from config, a bounded set), `hit` (served from
 * its cache), `miss` (looked up and answered) or `error` (looked up and failed, or the deadline
 * passed first). Implemented with prom-client by the server room; must not throw.
 */
export interface FactMetrics {
  lookup(source: string, result: 'hit' | 'miss' | 'error'): void;
}

export const noFactMetrics: FactMetrics = { lookup: () => undefined };
