import type { Grade, Severity } from './grade.js';

/**
 * The fact-source port of the facts stage (issue 11), defined here until the lead moves it to
 * the admission room. A source answers for one digest; a throw (an ImagegateError) becomes
 * `{error: {code, message}}` in the policy input, which the shipped rules treat as unknown.
 */
export interface FactSource {
  /** The key of the fact in `input.images[_].facts` ('health'). */
  readonly name: string;
  /** Changes whenever the source's configuration or trust changes; part of verdict cache keys. */
  readonly revision: string;
  /** Longest a value may be reused (ms). */
  readonly ttlMs: number;
  lookup(opts: FactLookup): Promise<FactAnswer>;
}

export interface FactLookup {
  /** The digest judged (`sha256:<64 hex>` or `sha512:<128 hex>`). */
  readonly digest: string;
  /** The normalised repository, e.g. registry.access.redhat.com/ubi9/ubi-minimal. */
  readonly repository: string;
  /** The review's deadline: the lookup ends when it aborts. */
  readonly signal: AbortSignal;
}

export interface FactAnswer {
  readonly value: unknown;
  /** Until stale (e.g. the next grade drop), capped by the source's ttlMs. */
  readonly ttlMs?: number;
}

/** The health fact of one image, as the policy sees it at `input.images[_].facts.health`. */
export interface HealthFact {
  readonly grade: Grade;
  /** The configured source that graded it: its name (default its kind: pyxis, clair, quay, static). */
  readonly source: string;
  /** ISO 8601 time of the computation. */
  readonly computedAt: string;
  /** When the grade next gets worse (ISO 8601) and to what. */
  readonly nextDrop?: { readonly at: string; readonly grade: Grade };
  /** The unapplied fix that sets the grade; absent for A and for grades the source precomputes. */
  readonly finding?: {
    readonly id: string;
    readonly severity: Severity;
    /** Whole days since the fix was released; absent when the source gives no date (counted as oldest). */
    readonly ageDays?: number;
    readonly fixedIn?: string;
  };
}
