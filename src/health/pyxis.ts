import { isRecord } from '../guards/index.js';
import { healthError } from './errors.js';
import { isGrade, rank, worse, type Grade } from './grade.js';
import { getJson, type Endpoint } from './http.js';
import type { GradeBackend, Graded } from './backend.js';

/**
 * Red Hat Ecosystem Catalog (Pyxis) REST: images by digest, manifest-list or per-arch manifest
 * (`GET /v1/images?filter=repositories.manifest_list_digest==D,repositories.manifest_schema2_digest==D`,
 * every page), each carrying its `freshness_grades` schedule. The grade of an image is the worst
 * over its architectures (the node, and so the arch, is unknown at admission), each being the
 * schedule entry with `start_date <= now < end_date` (never simply the first entry: schedules
 * are recomputed and list past grades).
 */

/** Pages read at most: a multi-arch image has 2-4 documents; more pages is a hostile or broken answer. */
const MAX_PAGES = 10;
const PAGE_SIZE = 50;

interface ScheduleEntry {
  readonly grade: Grade;
  readonly start: number;
  readonly end: number;
  readonly created: number;
}

function date(v: unknown, label: string, field: string): number {
  const at = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(at)) throw healthError('protocol', `${label}: freshness_grades ${field} is not a date`);
  return at;
}

function scheduleOf(doc: unknown, label: string): ScheduleEntry[] {
  const list = isRecord(doc) ? doc.freshness_grades : undefined;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw healthError('protocol', `${label}: freshness_grades is not a list`);
  return list.map((e: unknown) => {
    if (!isRecord(e) || !isGrade(e.grade))
      throw healthError('protocol', `${label}: a freshness_grades entry has no grade A-F`);
    const end = e.end_date === undefined || e.end_date === null ? Infinity : date(e.end_date, label, 'end_date');
    const created = e.creation_date === undefined ? 0 : date(e.creation_date, label, 'creation_date');
    return { grade: e.grade, start: date(e.start_date, label, 'start_date'), end, created };
  });
}

/** The entry in effect at `t`: newest creation_date among those covering it, ties to the worst grade. */
function gradeIn(schedule: readonly ScheduleEntry[], t: number): Grade | undefined {
  let best: ScheduleEntry | undefined;
  for (const e of schedule) {
    if (!(e.start <= t && t < e.end)) continue;
    if (
      best === undefined ||
      e.created > best.created ||
      (e.created === best.created && rank(e.grade) > rank(best.grade))
    )
      best = e;
  }
  return best?.grade;
}

/** The worst grade over all architectures at `t`; undefined when any architecture has none. */
function worstAt(schedules: readonly (readonly ScheduleEntry[])[], t: number): Grade | undefined {
  let grade: Grade = 'A';
  for (const s of schedules) {
    const g = gradeIn(s, t);
    if (g === undefined) return undefined;
    grade = worse(grade, g);
  }
  return grade;
}

async function fetchDocuments(endpoint: Endpoint, digest: string, signal: AbortSignal): Promise<unknown[]> {
  const docs: unknown[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const reply = await getJson({
      endpoint,
      path: '/v1/images',
      query: {
        // The digest was validated (hex only), so it cannot add RSQL terms to the filter.
        filter: `repositories.manifest_list_digest==${digest},repositories.manifest_schema2_digest==${digest}`,
        page_size: String(PAGE_SIZE),
        page: String(page),
      },
      accept: [200],
      signal,
    });
    const body = reply.body;
    if (!isRecord(body) || !Array.isArray(body.data) || typeof body.total !== 'number')
      throw healthError('protocol', `${endpoint.label}: the answer is not a {data, total} page`);
    const data: readonly unknown[] = body.data;
    docs.push(...data);
    if (data.length === 0 || docs.length >= body.total) return docs;
  }
  throw healthError('protocol', `${endpoint.label}: more than ${MAX_PAGES} pages of images for one digest`);
}

export function createPyxisBackend(endpoint: Endpoint): GradeBackend {
  return {
    async grade({ digest, now, signal }): Promise<Graded> {
      const docs = await fetchDocuments(endpoint, digest, signal);
      if (docs.length === 0)
        throw healthError('notFound', `${endpoint.label}: the catalog has no image with digest ${digest}`);
      const schedules = docs.map((d) => scheduleOf(d, endpoint.label));
      const grade = worstAt(schedules, now);
      if (grade === undefined)
        throw healthError(
          'unknown',
          `${endpoint.label}: the catalog has no grade in effect now for ${digest} (empty or expired freshness_grades)`,
        );
      // Schedule changes after now, in order: the first worse one is the next drop.
      const changes = [...new Set(schedules.flatMap((s) => s.flatMap((e) => [e.start, e.end])))]
        .filter((t) => t > now && Number.isFinite(t))
        .sort((a, b) => a - b);
      const staleAt = changes[0];
      for (const t of changes) {
        const later = worstAt(schedules, t);
        if (later !== undefined && rank(later) > rank(grade))
          return { grade, nextDrop: { at: t, grade: later }, ...(staleAt === undefined ? {} : { staleAt }) };
      }
      return { grade, ...(staleAt === undefined ? {} : { staleAt }) };
    },
  };
}
