import { runRegoTests, type RegoTestResult } from '../rego/index.js';
import { loadPolicySources } from '../policy/index.js';
import { goJson } from './go-json.js';
import { parseOptions, regoVersion, usageError, versionOption } from './policy-args.js';
import type { CliIo } from './io.js';

export const testUsage = `Usage: imagegate policy test [-v] [-r REGEX] [--format pretty|json] [--coverage] [--v0-compatible] PATH...

Runs the test_* rules, like \`opa test\`: exits 0 when all pass, 1 when any fails or errors
2 when none is found or on usage errors. Compile errors are shown whether or not a test runs.
todo_test_* rules are reported SKIPPED.
  (default)        the failing and erroring tests, then PASS: n/m (and FAIL/SKIPPED/ERROR)
  -v               a line per test with its duration, its print() lines indented under it
  -r REGEX         run only the tests whose full name (data.pkg.test_x) matches
  --format json    OPA's JSON test report (package, name, location, fail, skip, error,
                   duration in ns, output base64)
  --coverage       OPA's JSON coverage report instead: per file, the covered and
                   not_covered row ranges and a percentage; failures are printed first
`;

/** `imagegate policy test`; resolves to the exit code. */
export async function testCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    {
      run: { type: 'string', short: 'r' },
      verbose: { type: 'boolean', short: 'v' },
      format: { type: 'string', short: 'f' },
      coverage: { type: 'boolean', short: 'c' },
      ...versionOption,
    },
    'test',
  );
  if (positionals.length === 0) throw usageError('test needs at least one PATH');
  const format = values.format ?? 'pretty';
  if (format !== 'pretty' && format !== 'json')
    throw usageError(`test: format ${JSON.stringify(format)} is not supported; use --format pretty or json`);
  let filter: RegExp | undefined;
  try {
    filter = values.run === undefined ? undefined : new RegExp(values.run);
  } catch (err) {
    throw usageError(`test: --run ${JSON.stringify(values.run)} is not a valid regular expression`, err);
  }
  const { modules, data } = await loadPolicySources(positionals);
  const run = await runRegoTests({
    sources: modules,
    data,
    regoVersion: regoVersion(values['v0-compatible']),
    coverage: values.coverage === true,
    ...(filter === undefined ? {} : { filter }),
  });
  const results = run.results;
  if (results.length === 0) {
    io.stderr('no tests found: test rules are named test_* (e.g. test_denies_untrusted if { ... })');
    return 2;
  }
  const ok = results.every((r) => r.outcome === 'pass' || r.outcome === 'skip');
  if (run.coverage !== undefined) {
    if (!ok)
      pretty(
        results.filter((r) => r.outcome === 'fail' || r.outcome === 'error'),
        false,
        io,
      );
    else io.stdout(goJson(run.coverage, true));
  } else if (format === 'json') {
    io.stdout(goJson(results.map(jsonResult), true));
  } else {
    pretty(results, values.verbose === true, io);
  }
  return ok ? 0 : 1;
}

/** OPA's PrettyReporter: with -v every test, else only those that did not pass; then the counts. */
function pretty(results: readonly RegoTestResult[], verbose: boolean, io: CliIo): void {
  let file = '';
  let dirty = false;
  for (const r of results) {
    if (!verbose && r.outcome === 'pass') continue;
    if (r.file !== file) {
      if (file !== '') io.stdout('');
      io.stdout(`${(file = r.file)}:`);
    }
    dirty = true;
    io.stdout(r.outcome === 'skip' ? `${r.name}: SKIPPED` : `${r.name}: ${mark(r)} (${formatDuration(r.durationMs)})`);
    if (r.error !== undefined) io.stdout(`  ${r.error}`);
    for (const line of r.output) io.stdout(`  ${line}`);
  }
  if (dirty) io.stdout('-'.repeat(80));
  const count = (o: RegoTestResult['outcome']) => results.filter((r) => r.outcome === o).length;
  for (const [label, outcome] of [
    ['PASS', 'pass'],
    ['FAIL', 'fail'],
    ['SKIPPED', 'skip'],
    ['ERROR', 'error'],
  ] as const) {
    const n = count(outcome);
    if (n > 0) io.stdout(`${label}: ${n}/${results.length}`);
  }
}

function mark(r: RegoTestResult): string {
  switch (r.outcome) {
    case 'pass':
      return 'PASS';
    case 'fail':
      return 'FAIL';
    case 'error':
      return 'ERROR';
    case 'skip':
      return 'SKIPPED';
  }
}

/** Go's time.Duration.String() for the durations tests take: nanosecond precision in µs, ms or s. */
function formatDuration(ms: number): string {
  const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)));
  if (ms < 1) return `${trim(ms * 1000, 3)}µs`;
  if (ms < 1000) return `${trim(ms, 6)}ms`;
  return `${trim(ms / 1000, 9)}s`;
}

/** One entry of `opa test --format json`: OPA's tester.Result fields. */
function jsonResult(r: RegoTestResult): Record<string, unknown> {
  return {
    location: r.location,
    package: r.package,
    name: r.rule,
    ...(r.outcome === 'fail' ? { fail: true } : {}),
    ...(r.error === undefined ? {} : { error: { code: 'eval_internal_error', message: r.error } }),
    ...(r.outcome === 'skip' ? { skip: true } : {}),
    duration: Math.round(r.durationMs * 1e6),
    ...(r.output.length === 0
      ? {}
      : { output: Buffer.from(r.output.map((l) => `${l}\n`).join('')).toString('base64') }),
  };
}
