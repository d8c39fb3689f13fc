import type { Grade, Severity } from './grade.js';

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
