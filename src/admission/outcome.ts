import type { ErrorCode } from '../errors/index.js';

/** An RFC 6902 operation; imagegate only ever replaces image strings. */
export interface ReplaceOp {
  readonly op: 'replace';
  readonly path: string;
  readonly value: string;
}

/** An image /mutate left unpinned, with the catalogued code of why. */
export interface UnpinnedImage {
  readonly image: string;
  readonly code: ErrorCode;
}

/** The AdmissionReview status of a denial: HTTP-style code (403 policy, 400 bad object, 500 undecided). */
export interface DenialStatus {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

interface OutcomeBase {
  readonly warnings: readonly string[];
  /** The image strings that were evaluated, for the decision log. */
  readonly images: readonly string[];
  /** Only from /mutate, only when non-empty: the tagged images left unpinned, for log and metrics. */
  readonly unpinned?: readonly UnpinnedImage[];
}

/**
 * What the admission decided, before it is written as an AdmissionReview response. Whether the
 * object is admitted follows from `kind`, so a denial without a status (or an allow with one)
 * cannot be built:
 * - `allowed`: decided and admitted; `patch` only from /mutate, only when non-empty;
 * - `skipped`: nothing to evaluate (kind or operation not reviewed), admitted;
 * - `denied`: decided against (policy violations 403, or a bad object 400);
 * - `undecided-admitted`: no decision, admitted anyway (failurePolicy Ignore, or /mutate, which never denies);
 * - `undecided-denied`: no decision, denied (failurePolicy Fail), status 500.
 */
export type AdmissionOutcome =
  | (OutcomeBase & { readonly kind: 'allowed'; readonly patch?: readonly ReplaceOp[] })
  | (OutcomeBase & { readonly kind: 'skipped' })
  | (OutcomeBase & { readonly kind: 'denied'; readonly status: DenialStatus })
  | (OutcomeBase & { readonly kind: 'undecided-admitted' })
  | (OutcomeBase & { readonly kind: 'undecided-denied'; readonly status: DenialStatus });
