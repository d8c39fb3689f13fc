import { performance } from 'node:perf_hooks';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { Module } from './syntax/index.js';
import { parseSources, compileEntrypoints, type RegoSource, type RegoVersion } from './pipeline.js';
import { hostBuiltins } from './builtins/index.js';

/** The outcome of one `test_*` rule, as `opa test` reports it. */
export interface RegoTestResult {
  /** e.g. data.imagegate.registries_test.test_trusted */
  readonly name: string;
  readonly file: string;
  readonly outcome: 'pass' | 'fail' | 'error';
  readonly durationMs: number;
  /** For errors: what went wrong while evaluating. */
  readonly error?: string;
  /** Lines the test's `print(…)` calls wrote, in order (what `opa test -v` shows under it). */
  readonly output: readonly string[];
}

/**
 * Runs every rule named `test_*` (not a function) in the sources, like `opa test`: a test
 * passes when it evaluates to `true`; undefined or any other value fails; an evaluation error
 * is an error. `filter` keeps tests whose full name it matches (like `opa test --run`).
 */
export async function runRegoTests(opts: {
  readonly sources: readonly RegoSource[];
  readonly data: Readonly<Record<string, unknown>>;
  readonly regoVersion?: RegoVersion;
  readonly filter?: RegExp;
}): Promise<RegoTestResult[]> {
  const tests = discoverTests(parseSources(opts)).filter((t) => opts.filter?.test(t.name) ?? true);
  if (tests.length === 0) return [];
  const wasm = compileEntrypoints({ ...opts, entrypoints: tests.map((t) => t.entrypoint), optimize: false, enablePrint: true });
  // Tests run one after another: the lines printed while a test runs are that test's output.
  let output: string[] = [];
  const policy = await loadPolicy(wasm, undefined, hostBuiltins({ print: (line) => output.push(line) }));
  policy.setData(opts.data);
  return tests.map((t) => {
    const started = performance.now();
    output = [];
    try {
      const rs: unknown = policy.evaluate(undefined, t.entrypoint);
      const passed = Array.isArray(rs) && rs.length === 1 && isTrueResult(rs[0]);
      return { name: t.name, file: t.file, outcome: passed ? 'pass' : 'fail', durationMs: performance.now() - started, output };
    } catch (err) {
      return { name: t.name, file: t.file, outcome: 'error', durationMs: performance.now() - started, error: describe(err), output };
    }
  });
}

function isTrueResult(row: unknown): boolean {
  return typeof row === 'object' && row !== null && 'result' in row && row.result === true;
}

function describe(err: unknown): string {
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}

interface DiscoveredTest {
  readonly name: string;
  readonly entrypoint: string;
  readonly file: string;
}

function discoverTests(modules: readonly Module[]): DiscoveredTest[] {
  const seen = new Map<string, DiscoveredTest>();
  for (const m of modules) {
    const pkg = m.package.path.path.map((s) => s.value);
    for (const rule of m.rules) {
      const [head, ...rest] = rule.head.ref;
      if (rule.kind !== 'single' || head === undefined || rest.length > 0 || !head.name.startsWith('test_')) continue;
      const path = [...pkg, head.name];
      const name = `data.${path.join('.')}`;
      if (!seen.has(name)) seen.set(name, { name, entrypoint: path.join('/'), file: rule.loc.file });
    }
  }
  return [...seen.values()];
}
