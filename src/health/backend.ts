import type { GradeResult } from './grade.js';

/** One configured grade source, asked for one digest. */
export interface GradeBackend {
  /** @throws ImagegateError with an IMAGEGATE_HEALTH_* code */
  grade(opts: GradeQuery): Promise<Graded>;
}

export interface GradeQuery {
  /** A validated digest (sha256:<64 hex> or sha512:<128 hex>). */
  readonly digest: string;
  readonly repository: string;
  readonly signal: AbortSignal;
  /** Wall-clock epoch ms the grade is computed for. */
  readonly now: number;
}

export interface Graded extends GradeResult {
  /** Epoch ms after which the evidence may change (a schedule entry ends); at least nextDrop.at when set. */
  readonly staleAt?: number;
}
