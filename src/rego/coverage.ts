import type { Body, Expr, Loc, Module, Rule } from './syntax/index.js';

/**
 * Line coverage for `opa test --coverage`, without a tracer in the wasm module: the modules
 * are compiled with probes, `print` calls of a marker string that the test runner's print sink
 * records instead of printing. As in OPA's cover package, a body expression is covered when it
 * is evaluated (a probe before it: every expression before it succeeded), and a rule head is
 * covered when its rule succeeds (a probe after the body's last expression; a rule without a
 * body gets the probe as its body). Rows count once per file; default rules and expressions
 * nested in comprehensions or `every` are not counted (neither covered nor not covered).
 */

const MARKER = '\u0001imagegate-cover:';

export interface Probe {
  readonly id: number;
  readonly file: string;
  readonly row: number;
}

export function isProbeLine(line: string): boolean {
  return line.startsWith(MARKER);
}

export function probeId(line: string): number {
  return Number(line.slice(MARKER.length));
}

/** A copy of the modules with probes, and the row each probe stands for. */
export function instrumentCoverage(modules: readonly Module[]): {
  readonly modules: Module[];
  readonly probes: readonly Probe[];
} {
  const probes: Probe[] = [];
  const probe = (loc: Loc): Expr => {
    const id = probes.length;
    probes.push({ id, file: loc.file, row: loc.row });
    const at = { ...loc };
    return {
      type: 'termExpr',
      negated: false,
      with: [],
      loc: at,
      term: {
        type: 'call',
        operator: { type: 'ref', head: { type: 'var', name: 'print', loc: at }, path: [], loc: at },
        args: [{ type: 'string', value: `${MARKER}${id}`, loc: at }],
        loc: at,
      },
    };
  };
  const body = (b: Body | null, head: Loc): Body => [...(b ?? []).flatMap((e) => [probe(e.loc), e]), probe(head)];
  const rule = (r: Rule): Rule => {
    if (r.isDefault) return r;
    return { ...r, body: body(r.body, r.head.loc), else: r.else.map((c) => ({ ...c, body: body(c.body, c.loc) })) };
  };
  return { modules: modules.map((m) => ({ ...m, rules: m.rules.map(rule) })), probes };
}

export interface PositionRange {
  readonly start: { readonly row: number };
  readonly end: { readonly row: number };
}

export interface FileCoverage {
  readonly covered?: readonly PositionRange[];
  readonly not_covered?: readonly PositionRange[];
  readonly covered_lines?: number;
  readonly not_covered_lines?: number;
  readonly coverage?: number;
}

/** OPA's cover.Report JSON: per file, covered and not covered row ranges and a percentage (2 decimals). */
export interface CoverageReport {
  readonly files: Readonly<Record<string, FileCoverage>>;
  readonly covered_lines: number;
  readonly not_covered_lines: number;
  readonly coverage: number;
}

export function coverageReport(opts: {
  readonly probes: readonly Probe[];
  readonly hits: ReadonlySet<number>;
}): CoverageReport {
  const byFile = new Map<string, { all: Set<number>; hit: Set<number> }>();
  for (const p of opts.probes) {
    const f = byFile.get(p.file) ?? { all: new Set<number>(), hit: new Set<number>() };
    byFile.set(p.file, f);
    f.all.add(p.row);
    if (opts.hits.has(p.id)) f.hit.add(p.row);
  }
  const files: Record<string, FileCoverage> = {};
  let covered = 0;
  let notCovered = 0;
  for (const [file, { all, hit }] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const missed = [...all].filter((r) => !hit.has(r));
    covered += hit.size;
    notCovered += missed.length;
    files[file] = {
      ...(hit.size > 0 ? { covered: ranges([...hit]), covered_lines: hit.size } : {}),
      ...(missed.length > 0 ? { not_covered: ranges(missed), not_covered_lines: missed.length } : {}),
      ...(hit.size > 0 ? { coverage: percent(hit.size, all.size) } : {}),
    };
  }
  return {
    files,
    covered_lines: covered,
    not_covered_lines: notCovered,
    coverage: percent(covered, covered + notCovered),
  };
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((10000 * part) / whole) / 100;
}

/** Sorted rows merged into runs of consecutive rows. */
function ranges(rows: number[]): PositionRange[] {
  const out: { start: { row: number }; end: { row: number } }[] = [];
  for (const row of rows.sort((a, b) => a - b)) {
    const last = out.at(-1);
    if (last !== undefined && last.end.row + 1 === row) last.end.row = row;
    else out.push({ start: { row }, end: { row } });
  }
  return out;
}
