/**
 * Red Hat's Container Health Index, computed from findings: the grade is the worst band reached
 * by the oldest unapplied Critical or Important fix. Pure: no clock, no I/O.
 *
 * A finding stays in a band while its age (time since its fix was released) is below the band's
 * days, so an Important fix released 2025-03-20 gives B until 2025-04-19 (30 days) and C from
 * then: the same instants Red Hat's catalog schedules (`freshness_grades`). Moderate and Low
 * findings never count, however old; nor do findings without a fix (no errata to apply).
 * A finding whose fix date is unknown counts as older than every band (fail closed: the source
 * could not prove it young).
 */

export const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type Grade = (typeof GRADES)[number];

export function isGrade(v: unknown): v is Grade {
  return typeof v === 'string' && (GRADES as readonly string[]).includes(v);
}

/** The severities that count; a source maps its own words to these (Clair's High is important). */
export type Severity = 'critical' | 'important';

/** Upper age limits in days of the bands B..E for one severity; a band left out is skipped. Past the last: F. */
export interface SeverityBands {
  readonly B?: number;
  readonly C?: number;
  readonly D?: number;
  readonly E?: number;
}

export interface Bands {
  readonly critical: SeverityBands;
  readonly important: SeverityBands;
}

/** Red Hat's published bands (12 months taken as 365 days); Important never reaches E. */
export const DEFAULT_BANDS: Bands = {
  critical: { B: 7, C: 30, D: 90, E: 365 },
  important: { B: 30, C: 90, D: 365 },
};

export const DAY_MS = 86_400_000;

/** One unapplied fix for a Critical or Important flaw. */
export interface Finding {
  /** The erratum or vulnerability id (RHSA-2024:6783, CVE-2024-6119). */
  readonly id: string;
  readonly severity: Severity;
  /** When the fix was released (epoch ms); undefined when the source gives no date. */
  readonly fixedAt?: number;
  /** The version that fixes it, when the source names one. */
  readonly fixedIn?: string;
}

export interface GradeResult {
  readonly grade: Grade;
  /** The finding that sets the grade (the oldest of the worst band); absent for A. */
  readonly finding?: Finding;
  /** When the grade next gets worse, and to what; absent when it cannot (A stays A, F stays F). */
  readonly nextDrop?: { readonly at: number; readonly grade: Grade };
}

const BAND_ORDER = ['B', 'C', 'D', 'E'] as const;

export function rank(grade: Grade): number {
  return GRADES.indexOf(grade);
}

export function worse(a: Grade, b: Grade): Grade {
  return rank(a) >= rank(b) ? a : b;
}

/** The band one finding is in at `now`. */
function bandOf(f: Finding, now: number, bands: Bands): Grade {
  if (f.fixedAt === undefined) return 'F';
  const ageMs = Math.max(0, now - f.fixedAt);
  const limits = bands[f.severity];
  for (const g of BAND_ORDER) {
    const days = limits[g];
    if (days !== undefined && ageMs < days * DAY_MS) return g;
  }
  return 'F';
}

/** The instants after `now` at which the finding moves to a worse band. */
function edgesAfter(f: Finding, now: number, bands: Bands): number[] {
  const fixedAt = f.fixedAt;
  if (fixedAt === undefined) return [];
  const limits = bands[f.severity];
  return BAND_ORDER.flatMap((g) => {
    const days = limits[g];
    return days === undefined ? [] : [fixedAt + days * DAY_MS];
  }).filter((at) => at > now);
}

function gradeAt(findings: readonly Finding[], now: number, bands: Bands): { grade: Grade; finding?: Finding } {
  let best: { grade: Grade; finding?: Finding } = { grade: 'A' };
  for (const f of findings) {
    const g = bandOf(f, now, bands);
    const current = best.finding;
    const older =
      current !== undefined && g === best.grade && (f.fixedAt ?? -Infinity) < (current.fixedAt ?? -Infinity);
    if (rank(g) > rank(best.grade) || older) best = { grade: g, finding: f };
  }
  return best;
}

/** The grade of an image with these findings at `now` (epoch ms), the finding that sets it and its next drop. */
export function computeGrade(opts: {
  readonly findings: readonly Finding[];
  readonly now: number;
  readonly bands: Bands;
}): GradeResult {
  const { findings, now, bands } = opts;
  const current = gradeAt(findings, now, bands);
  const at = findings
    .flatMap((f) => edgesAfter(f, now, bands))
    .sort((a, b) => a - b)
    .find((e) => rank(gradeAt(findings, e, bands).grade) > rank(current.grade));
  const base = current.finding === undefined ? { grade: current.grade } : current;
  return at === undefined ? base : { ...base, nextDrop: { at, grade: gradeAt(findings, at, bands).grade } };
}
