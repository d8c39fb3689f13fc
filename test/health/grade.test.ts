/**
 * The Container Health Index computed from findings: every band edge (7/30/90 days, 12 months)
 * for both severities, the worst of both, next drops, configurable bands, and what never counts.
 */
import t from 'tap';
import {
  computeGrade,
  DAY_MS,
  DEFAULT_BANDS,
  clairFindings,
  type Finding,
  type Grade,
} from '../../src/health/internal.js';
import { fixture } from '../fixtures/health/index.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function aged(severity: Finding['severity'], ageMs: number, id = 'RHSA-2025:0001'): Finding {
  return { id, severity, fixedAt: NOW - ageMs, fixedIn: '1.2-3' };
}

function gradeOf(findings: readonly Finding[]): Grade {
  return computeGrade({ findings, now: NOW, bands: DEFAULT_BANDS }).grade;
}

t.test('every band edge, both severities: a finding leaves its band exactly at its age limit', async (t) => {
  const day = DAY_MS;
  const table: readonly [Finding['severity'], number, Grade][] = [
    ['critical', 0, 'B'],
    ['critical', 7 * day - 1, 'B'],
    ['critical', 7 * day, 'C'],
    ['critical', 30 * day - 1, 'C'],
    ['critical', 30 * day, 'D'],
    ['critical', 90 * day - 1, 'D'],
    ['critical', 90 * day, 'E'],
    ['critical', 365 * day - 1, 'E'],
    ['critical', 365 * day, 'F'],
    ['critical', 5000 * day, 'F'],
    ['important', 0, 'B'],
    ['important', 7 * day, 'B'],
    ['important', 30 * day - 1, 'B'],
    ['important', 30 * day, 'C'],
    ['important', 90 * day - 1, 'C'],
    ['important', 90 * day, 'D'],
    ['important', 365 * day - 1, 'D'],
    ['important', 365 * day, 'F'],
  ];
  for (const [severity, age, expected] of table) {
    t.equal(gradeOf([aged(severity, age)]), expected, `${severity} fixed ${age / day} days ago → ${expected}`);
  }
  t.equal(gradeOf([]), 'A', 'no unapplied Critical or Important fix → A');
});

t.test('the grade is the worst band of either severity, naming the finding that sets it', async (t) => {
  const critical = aged('critical', 10 * DAY_MS, 'RHSA-2025:1111');
  const important = aged('important', 100 * DAY_MS, 'RHSA-2025:2222');
  const result = computeGrade({ findings: [critical, important], now: NOW, bands: DEFAULT_BANDS });
  t.equal(result.grade, 'D', 'Important at 100 days (D) outweighs Critical at 10 days (C)');
  t.equal(result.finding?.id, 'RHSA-2025:2222');
  const older = aged('important', 200 * DAY_MS, 'RHSA-2025:3333');
  t.equal(
    computeGrade({ findings: [important, older], now: NOW, bands: DEFAULT_BANDS }).finding?.id,
    'RHSA-2025:3333',
    'within one band, the oldest finding is named',
  );
});

t.test('the next drop is the first instant the grade gets worse, and to what', async (t) => {
  const important = aged('important', 20 * DAY_MS);
  const result = computeGrade({ findings: [important], now: NOW, bands: DEFAULT_BANDS });
  t.same(result.nextDrop, { at: NOW + 10 * DAY_MS, grade: 'C' });
  // A young Critical (B→C at 7 days) hidden behind an Important already at C drops nothing then.
  const both = computeGrade({
    findings: [aged('important', 40 * DAY_MS), aged('critical', 1 * DAY_MS)],
    now: NOW,
    bands: DEFAULT_BANDS,
  });
  t.equal(both.grade, 'C');
  t.same(
    both.nextDrop,
    { at: NOW + 29 * DAY_MS, grade: 'D' },
    'Critical reaches D at 30 days, before Important does at 90',
  );
  t.equal(
    computeGrade({ findings: [aged('critical', 400 * DAY_MS)], now: NOW, bands: DEFAULT_BANDS }).nextDrop,
    undefined,
    'F never drops',
  );
  t.equal(computeGrade({ findings: [], now: NOW, bands: DEFAULT_BANDS }).nextDrop, undefined, 'A never drops');
});

t.test('a fix of unknown date counts as older than every band', async (t) => {
  t.equal(gradeOf([{ id: 'CVE-2025-1', severity: 'important' }]), 'F');
});

t.test('bands are configurable; a band left out is skipped', async (t) => {
  const strict = { critical: { B: 1, C: 2 }, important: { B: 3 } };
  t.equal(computeGrade({ findings: [aged('critical', 1.5 * DAY_MS)], now: NOW, bands: strict }).grade, 'C');
  t.equal(
    computeGrade({ findings: [aged('critical', 2 * DAY_MS)], now: NOW, bands: strict }).grade,
    'F',
    'past C, no D or E: F',
  );
  t.equal(computeGrade({ findings: [aged('important', 3 * DAY_MS)], now: NOW, bands: strict }).grade, 'F');
});

t.test('Moderate and Low findings never count, however old; nor do findings without a fix', async (t) => {
  const findings = clairFindings(fixture('clair-report.json'), 'test');
  t.same(
    findings.map((f) => f.id),
    ['CVE-2024-6119'],
    'Medium (fixable, 2023), Low (fixable, 2023), unfixed Medium and a Critical "fixed in 0" are all left out',
  );
  t.equal(findings[0]?.severity, 'important', "Clair's High is Red Hat's Important");
  t.equal(findings[0]?.fixedIn, '1:3.0.7-28.el9_4');
  t.equal(
    computeGrade({ findings, now: Date.parse('2024-09-10T00:00:00Z'), bands: DEFAULT_BANDS }).grade,
    'B',
    'aged from issued, 2024-09-03',
  );
});
