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

/** One violation as the decision log and the violations metric record it. */
export interface LoggedViolation {
  readonly rule: string;
  /** The container's dotted path (`spec.containers[0]`), or `(object)`. */
  readonly path: string;
  readonly container: string;
  readonly image: string;
  readonly message: string;
  /** The exemption's reason, for exempted violations. */
  readonly reason?: string;
}

/** What modes, exemptions and dry-run (src/admission/enforcement.ts) made of a review's violations. */
export interface EnforcementRecord {
  /** Set when the namespace is exempt from everything and was not evaluated: the exemption's reason. */
  readonly namespaceExemption?: string;
  readonly denied: readonly LoggedViolation[];
  readonly warned: readonly LoggedViolation[];
  readonly audited: readonly LoggedViolation[];
  readonly wouldDeny: readonly LoggedViolation[];
  readonly exempted: readonly LoggedViolation[];
}

interface OutcomeBase {
  readonly warnings: readonly string[];
  /** The image strings that were evaluated, for the decision log. */
  readonly images: readonly string[];
  /** Only from /mutate, only when non-empty: the tagged images left unpinned, for log and metrics. */
  readonly unpinned?: readonly UnpinnedImage[];
  /** Only from /validate, when its namespace was exempt or the policy found violations. */
  readonly enforcement?: EnforcementRecord;
}

/**
 * What the admission decided, before it is written as an AdmissionReview response. Whether the
 * object is admitted follows from `kind`, so a denial without a status (or an allow with one)
 * cannot be built:
 * - `allowed`: decided and admitted; `patch` only from /mutate, only when non-empty;
 * - `skipped`: nothing to evaluate (kind or operation not reviewed, or the namespace exempt), admitted;
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
