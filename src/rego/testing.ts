import { performance } from 'node:perf_hooks';
import type { Module } from './syntax/index.js';
import { parseSources, type RegoSource, type RegoVersion } from './pipeline.js';
import { compileProgram } from './compile/index.js';
import { planPolicy } from './plan/index.js';
import { emitWasm } from './wasm/index.js';
import { loadRegoPolicy } from './builtins/index.js';
import { coverageReport, instrumentCoverage, isProbeLine, probeId, type CoverageReport } from './coverage.js';

/** The outcome of one test rule, as `opa test` reports it. */
export interface RegoTestResult {
  /** e.g. data.imagegate.registries_test.test_trusted */
  readonly name: string;
  /** e.g. data.imagegate.registries_test (OPA's `package` field). */
  readonly package: string;
  /** The rule name alone, e.g. test_trusted or todo_test_later. */
  readonly rule: string;
  readonly file: string;
  readonly location: { readonly file: string; readonly row: number; readonly col: number };
  /** `skip`: a `todo_test_*` rule, never evaluated (OPA's SKIPPED). */
  readonly outcome: 'pass' | 'fail' | 'error' | 'skip';
  readonly durationMs: number;
  /** For errors: what went wrong while evaluating. */
  readonly error?: string;
  /** Lines the test's `print(…)` calls wrote, in order (what `opa test -v` shows under it). */
  readonly output: readonly string[];
}

export interface RegoTestRun {
  readonly results: readonly RegoTestResult[];
  /** With `coverage`: which lines of each module the tests evaluated (OPA's report shape). */
  readonly coverage?: CoverageReport;
}

/**
 * Runs every rule named `test_*` (not a function) in the sources, like `opa test`: a test
 * passes when it evaluates to `true`; undefined or any other value fails; an evaluation error
 * is an error. `todo_test_*` rules are reported skipped. `filter` keeps tests whose full name it
 * matches (like `opa test --run`). The sources are compiled even when no test is selected, so
 * their errors are thrown (RegoParseError / RegoCompileError) either way.
 */
export async function runRegoTests(opts: {
  readonly sources: readonly RegoSource[];
  readonly data: Readonly<Record<string, unknown>>;
  readonly regoVersion?: RegoVersion;
  readonly filter?: RegExp;
  /** Record which expressions and rule heads the tests evaluate (`opa test --coverage`). Default false. */
  readonly coverage?: boolean;
}): Promise<RegoTestRun> {
  const modules = parseSources(opts);
  const discovered = discoverTests(modules).filter((t) => opts.filter?.test(t.name) ?? true);
  const tests = discovered.filter((t) => !t.skip);
  const instrumented = opts.coverage === true ? instrumentCoverage(modules) : undefined;
  const program = compileProgram({ modules: instrumented?.modules ?? modules, enablePrint: true });
  const hits = new Set<number>();
  const skipped = (t: DiscoveredTest): RegoTestResult => ({
    ...identity(t),
    outcome: 'skip',
    durationMs: 0,
    output: [],
  });
  if (tests.length === 0) {
    return {
      results: discovered.map(skipped),
      ...(instrumented === undefined ? {} : { coverage: coverageReport({ probes: instrumented.probes, hits }) }),
    };
  }
  const wasm = emitWasm({
    policy: planPolicy({ program, entrypoints: tests.map((t) => ({ kind: 'path', path: t.entrypoint })) }),
    optimize: false,
  });
  // Tests run one after another: the lines printed while a test runs are that test's output.
  let output: string[] = [];
  const sink = (line: string) => {
    if (isProbeLine(line)) hits.add(probeId(line));
    else output.push(line);
  };
  const policy = await loadRegoPolicy({ wasm, data: opts.data, builtins: { print: sink } });
  const results = discovered.map((t): RegoTestResult => {
    if (t.skip) return skipped(t);
    const started = performance.now();
    output = [];
    try {
      const rs: unknown = policy.evaluate(undefined, t.entrypoint);
      const passed = Array.isArray(rs) && rs.length === 1 && isTrueResult(rs[0]);
      return { ...identity(t), outcome: passed ? 'pass' : 'fail', durationMs: performance.now() - started, output };
    } catch (err) {
      return {
        ...identity(t),
        outcome: 'error',
        durationMs: performance.now() - started,
        error: describe(err),
        output,
      };
    }
  });
  return {
    results,
    ...(instrumented === undefined ? {} : { coverage: coverageReport({ probes: instrumented.probes, hits }) }),
  };
}

function identity(t: DiscoveredTest) {
  return { name: t.name, package: t.pkg, rule: t.rule, file: t.location.file, location: t.location };
}

function isTrueResult(row: unknown): boolean {
  return typeof row === 'object' && row !== null && 'result' in row && row.result === true;
}

function describe(err: unknown): string {
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string')
    return err.message;
  return String(err);
}

interface DiscoveredTest {
  readonly name: string;
  readonly pkg: string;
  readonly rule: string;
  readonly entrypoint: string;
  readonly location: { readonly file: string; readonly row: number; readonly col: number };
  readonly skip: boolean;
}

function discoverTests(modules: readonly Module[]): DiscoveredTest[] {
  const seen = new Map<string, DiscoveredTest>();
  for (const m of modules) {
    const pkg = m.package.path.path.map((s) => s.value);
    for (const rule of m.rules) {
      const [head, ...rest] = rule.head.ref;
      const skip = head.name.startsWith('todo_test_');
      if (rule.kind !== 'single' || rest.length > 0 || !(skip || head.name.startsWith('test_'))) continue;
      const path = [...pkg, head.name];
      const name = `data.${path.join('.')}`;
      const location = { file: rule.loc.file, row: rule.loc.row, col: rule.loc.col };
      if (!seen.has(name))
        seen.set(name, {
          name,
          pkg: `data.${pkg.join('.')}`,
          rule: head.name,
          entrypoint: path.join('/'),
          location,
          skip,
        });
    }
  }
  return [...seen.values()];
}
