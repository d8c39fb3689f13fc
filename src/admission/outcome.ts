/** An RFC 6902 operation; imagegate only ever replaces image strings. */
export interface ReplaceOp {
  readonly op: 'replace';
  readonly path: string;
  readonly value: string;
}

import type { ErrorCode } from '../errors/index.js';

/** An image /mutate left unpinned, with the catalogued code of why. */
export interface UnpinnedImage {
  readonly image: string;
  readonly code: ErrorCode;
}

/** What the admission decided, before it is written as an AdmissionReview response. */
export interface AdmissionOutcome {
  readonly allowed: boolean;
  /** For logs and metrics: allow, deny, error (undecided), skip (nothing to evaluate). */
  readonly verdict: 'allow' | 'deny' | 'error' | 'skip';
  /** Set on denial: HTTP-style code (403 policy, 400 bad object, 500 undecided) and message. */
  readonly status?: { readonly code: number; readonly reason: string; readonly message: string };
  readonly warnings: readonly string[];
  /** Only from /mutate, only when non-empty. */
  readonly patch?: readonly ReplaceOp[];
  /** The image strings that were evaluated, for the decision log. */
  readonly images: readonly string[];
  /** Only from /mutate, only when non-empty: the tagged images left unpinned, for log and metrics. */
  readonly unpinned?: readonly UnpinnedImage[];
}
