import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { ImagegateError, errorMessage } from '../errors/index.js';
import {
  builtinDeclarations, compileQuery, evalRows, hostBuiltins, instrumentQuery,
  isRegoCompileError, isRegoParseError, parseQuery, runRegoTests, type RegoVersion,
} from '../rego/index.js';
import type { EmitTarget } from '../rego/index.js';
import { compileBundle, DEFAULT_ENTRYPOINT, readBundle } from '../policy/index.js';
import { loadPolicySources } from '../policy/index.js';
import type { CliIo } from './io.js';

export const policyUsage = `Usage: imagegate policy <build|eval|test|capabilities> [options]

  build [-e PKG/RULE]... [-o FILE] [-O 0|1] [--revision R] [--enable-print] [--v0-compatible] [--target imagegate|opa] PATH...
        compile .rego and data files to an OPA wasm bundle (default entrypoint
        imagegate/decision, output bundle.tar.gz), like \`opa build -t wasm\`;
        -O 1 also optimises the module (smaller, slower to build); print() calls
        are dropped unless --enable-print (\`policy eval -b\` writes them to stderr);
        --target opa lists only OPA's built-in names, for hosts with OPA's own
        built-ins (OPA's Go or Rust SDK); the default needs imagegate's hostBuiltins()
  eval [-d PATH]... [-b BUNDLE] [-i INPUT] [-f json] [--v0-compatible] QUERY
        evaluate a query and print what \`opa eval -f json\` prints; the
        lines of Rego print() calls go to stderr
  test [-r REGEX] [--v0-compatible] PATH...
        run the test_* rules, like \`opa test -v\`; exits 1 when any fails;
        each test's print() lines are shown indented under it
  capabilities
        print the built-ins policies may call, in OPA's capabilities JSON shape
`;

function usageError(message: string, cause?: unknown): ImagegateError {
  return new ImagegateError('IMAGEGATE_CLI_USAGE', `policy ${message}; run \`imagegate policy help\``, cause === undefined ? undefined : { cause });
}

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(args: readonly string[], options: T, sub: string) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageError(`${sub}: ${errorMessage(err)}`, err);
  }
}

/** `imagegate policy …`; resolves to the exit code. */
export async function policyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'build':
      return build(rest, io);
    case 'eval':
      return evaluate(rest, io);
    case 'test':
      return test(rest, io);
    case 'capabilities':
      io.stdout(JSON.stringify(capabilities(), null, 2));
      return 0;
    case undefined:
    case 'help':
      io.stdout(policyUsage);
      return sub === undefined ? 2 : 0;
    default:
      throw usageError(`has no subcommand ${JSON.stringify(sub)}`);
  }
}

const versionOption = { 'v0-compatible': { type: 'boolean' } } as const;

function emitTarget(value: string | undefined): EmitTarget {
  if (value === undefined || value === 'imagegate') return 'imagegate';
  if (value === 'opa') return 'opa';
  throw usageError(`build: --target takes imagegate or opa, got ${JSON.stringify(value)}`);
}
const regoVersion = (v0: unknown): RegoVersion => (v0 === true ? 0 : 1);

async function build(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { entrypoint: { type: 'string', short: 'e', multiple: true }, output: { type: 'string', short: 'o' }, optimize: { type: 'string', short: 'O' }, revision: { type: 'string' }, 'enable-print': { type: 'boolean' }, target: { type: 'string' }, ...versionOption }, 'build');
  if (positionals.length === 0) throw usageError('build needs at least one PATH (a .rego file, data file or directory)');
  const { modules, data } = await loadPolicySources(positionals);
  if (values.optimize !== undefined && values.optimize !== '0' && values.optimize !== '1') throw usageError(`build: -O takes 0 or 1, got ${JSON.stringify(values.optimize)}`);
  const built = await compileBundle({
    sources: modules, data, entrypoints: values.entrypoint ?? [DEFAULT_ENTRYPOINT], regoVersion: regoVersion(values['v0-compatible']),
    optimize: values.optimize === '1', enablePrint: values['enable-print'] === true, target: emitTarget(values.target),
    ...(values.revision === undefined ? {} : { revision: values.revision }),
  });
  const out = values.output ?? 'bundle.tar.gz';
  await writeFile(out, built.bytes);
  io.stdout(`wrote ${out}: ${modules.length} module(s), entrypoints ${built.manifest.wasm.map((w) => w.entrypoint).join(', ')}, policy.wasm ${built.wasmBytes} bytes`);
  return 0;
}

async function evaluate(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { data: { type: 'string', short: 'd', multiple: true }, bundle: { type: 'string', short: 'b' }, input: { type: 'string', short: 'i' }, format: { type: 'string', short: 'f' }, ...versionOption }, 'eval');
  const [query, ...extra] = positionals;
  if (query === undefined || extra.length > 0) throw usageError('eval takes exactly one QUERY, e.g. imagegate policy eval -d policies data.imagegate.decision');
  if (values.format !== undefined && values.format !== 'json') throw usageError(`eval: format ${JSON.stringify(values.format)} is not supported; use -f json`);
  const input = values.input === undefined ? undefined : await readDocument(values.input);
  try {
    const result = values.bundle === undefined
      ? await evalSources({ paths: values.data ?? [], query, input, regoVersion: regoVersion(values['v0-compatible']), print: io.stderr })
      : await evalBundle({ file: values.bundle, query, input, print: io.stderr });
    io.stdout(JSON.stringify(result.length === 0 ? {} : { result }, null, 2));
    return 0;
  } catch (err) {
    const errors = regoErrors(err);
    if (errors === undefined) throw err;
    io.stdout(JSON.stringify({ errors }, null, 2));
    return 1;
  }
}

/** Print lines go to `print` (the CLI's stderr, as `opa eval` writes them). */
async function evalSources(opts: { paths: readonly string[]; query: string; input: unknown; regoVersion: RegoVersion; print: (line: string) => void }) {
  const { modules, data } = await loadPolicySources(opts.paths);
  const { body, expressions } = instrumentQuery(parseQuery(opts.query, { file: '<query>' }));
  const wasm = compileQuery({ sources: modules, query: body, regoVersion: opts.regoVersion, enablePrint: true });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins({ print: opts.print }));
  policy.setData(data);
  const rows: unknown = evaluateOrThrow(() => policy.evaluate(opts.input));
  return evalRows({ rows: Array.isArray(rows) ? rows : [], expressions });
}

/** A bundle's module is already compiled: the query must name one of its entrypoints. */
async function evalBundle(opts: { file: string; query: string; input: unknown; print: (line: string) => void }) {
  const bundle = await readBundle({ bytes: await readFile(opts.file), source: opts.file });
  const entrypoint = /^data((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(opts.query.trim())?.[1]?.slice(1).replaceAll('.', '/');
  const names = bundle.manifest.wasm.map((w) => w.entrypoint);
  if (entrypoint === undefined || !names.includes(entrypoint)) {
    throw usageError(`eval -b: a bundle answers only its entrypoints (${names.map((n) => `data.${n.replaceAll('/', '.')}`).join(', ')}); got ${JSON.stringify(opts.query)}`);
  }
  const policy = await loadPolicy(bundle.wasm, undefined, hostBuiltins({ print: opts.print }));
  policy.setData(bundle.data);
  const rows: unknown = evaluateOrThrow(() => policy.evaluate(opts.input, entrypoint));
  const location = { row: 1, col: 1 };
  return (Array.isArray(rows) ? rows : []).map((r: unknown) => ({
    expressions: [{ value: typeof r === 'object' && r !== null && 'result' in r ? r.result : undefined, text: opts.query.trim(), location }],
  }));
}

/** The SDK throws strings and plain objects; conflicts are OPA's eval_conflict_error. */
function evaluateOrThrow(run: () => unknown): unknown {
  try {
    return run();
  } catch (err) {
    const message = typeof err === 'string' ? err : typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string' ? err.message : String(err);
    const code = /conflict|multiple outputs/.test(message) ? 'eval_conflict_error' : 'eval_internal_error';
    throw new EvalError(code, message);
  }
}

class EvalError extends ImagegateError {
  readonly regoCode: string;
  constructor(regoCode: string, message: string) {
    super('IMAGEGATE_POLICY_EVALUATION_FAILED', message);
    this.regoCode = regoCode;
  }
}

/** Errors in the shape `opa eval -f json` prints them, or undefined for other errors. */
function regoErrors(err: unknown): unknown[] | undefined {
  const loc = (l: { file: string; row: number; col: number }) => ({ file: l.file, row: l.row, col: l.col });
  if (isRegoParseError(err)) return err.errors.map((e) => ({ message: e.message, code: e.code, location: loc(e.loc) }));
  if (isRegoCompileError(err)) return err.problems.map((e) => ({ message: e.message, code: e.code, location: loc(e.loc) }));
  if (err instanceof EvalError) return [{ message: err.message, code: err.regoCode }];
  return undefined;
}

async function test(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { run: { type: 'string', short: 'r' }, ...versionOption }, 'test');
  if (positionals.length === 0) throw usageError('test needs at least one PATH');
  const { modules, data } = await loadPolicySources(positionals);
  let filter: RegExp | undefined;
  try {
    filter = values.run === undefined ? undefined : new RegExp(values.run);
  } catch (err) {
    throw usageError(`test: --run ${JSON.stringify(values.run)} is not a valid regular expression`, err);
  }
  const results = await runRegoTests({ sources: modules, data, regoVersion: regoVersion(values['v0-compatible']), ...(filter === undefined ? {} : { filter }) });
  if (results.length === 0) {
    io.stderr('no tests found: test rules are named test_* (e.g. test_denies_untrusted if { ... })');
    return 2;
  }
  let file = '';
  for (const r of results) {
    if (r.file !== file) io.stdout(`${(file = r.file)}:`);
    const mark = r.outcome === 'pass' ? 'PASS' : r.outcome === 'fail' ? 'FAIL' : 'ERROR';
    io.stdout(`${r.name}: ${mark} (${r.durationMs.toFixed(3)}ms)${r.error === undefined ? '' : `\n  ${r.error}`}`);
    for (const line of r.output) io.stdout(`  ${line}`);
  }
  const passed = results.filter((r) => r.outcome === 'pass').length;
  io.stdout('-'.repeat(80));
  if (passed > 0) io.stdout(`PASS: ${passed}/${results.length}`);
  const failed = results.filter((r) => r.outcome === 'fail').length;
  if (failed > 0) io.stdout(`FAIL: ${failed}/${results.length}`);
  const errored = results.length - passed - failed;
  if (errored > 0) io.stdout(`ERROR: ${errored}/${results.length}`);
  return passed === results.length ? 0 : 1;
}

/** Exactly the built-ins that compile and run (the catalogue's supported ones); deprecated ones (v0 modules only) are marked as OPA marks them. */
function capabilities() {
  return {
    builtins: builtinDeclarations.map(({ name, decl, deprecated }) => (deprecated ? { name, decl, deprecated } : { name, decl })),
    wasm_abi_versions: [{ version: 1, minor_version: 1 }, { version: 1, minor_version: 2 }],
    features: ['rego_v1'],
  };
}

async function readDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw usageError(`eval: cannot read input ${JSON.stringify(file)}: ${errorMessage(err)}`, err);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw usageError(`eval: input ${JSON.stringify(file)} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${errorMessage(err)}`, err);
  }
}
