import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import {
  compileQuery,
  evalRows,
  EXPR_VAR_PREFIX,
  functionArities,
  instrumentQuery,
  loadRegoPolicy,
  parseQuery,
  parseSources,
  type EvalRow,
  type RegoVersion,
} from '../rego/index.js';
import { readBundle, loadPolicySources } from '../policy/index.js';
import { errorMessage } from '../errors/index.js';
import { goJson } from './go-json.js';
import { diskSources, formatOpaErrors, opaErrors, opaEvalErrors, type OpaError } from './rego-errors.js';
import { parseOptions, regoVersion, usageError, versionOption } from './policy-args.js';
import { prettyTable } from './pretty-table.js';
import type { CliIo } from './io.js';

export const evalUsage = `Usage: imagegate policy eval [-d PATH]... [-b BUNDLE] [-i FILE | -I] [-f json|raw|pretty] [--fail | --fail-defined] [--v0-compatible] QUERY

Evaluates a query and prints what \`opa eval\` prints:
  -f json    (default) {"result": [{"expressions": [{"value", "text", "location"}], "bindings"}]},
             {} when undefined, {"errors": [...]} with OPA's codes and locations
  -f raw     each result on a line, its expressions' values separated by spaces (strings unquoted)
  -f pretty  the value alone, a table of bindings, or "undefined"
  -d PATH    .rego and data files or directories (repeatable)
  -b BUNDLE  an OPA wasm bundle; the query must name one of its entrypoints
  -i FILE    input document (JSON or YAML); -I reads it from stdin
  --fail          exit 1 when the result is undefined
  --fail-defined  exit 1 when the result is defined
Exit status: 0, 1 (--fail/--fail-defined), 2 on errors (as opa eval). print() lines go to stderr.
`;

type Format = 'json' | 'raw' | 'pretty';
type Outcome =
  | { readonly kind: 'result'; readonly rows: readonly EvalRow[] }
  | { readonly kind: 'errors'; readonly errors: readonly OpaError[] };

/** `imagegate policy eval`; resolves to the exit code. */
export async function evalCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    {
      data: { type: 'string', short: 'd', multiple: true },
      bundle: { type: 'string', short: 'b' },
      input: { type: 'string', short: 'i' },
      'stdin-input': { type: 'boolean', short: 'I' },
      format: { type: 'string', short: 'f' },
      fail: { type: 'boolean' },
      'fail-defined': { type: 'boolean' },
      ...versionOption,
    },
    'eval',
  );
  const [query, ...extra] = positionals;
  if (query === undefined || extra.length > 0)
    throw usageError('eval takes exactly one QUERY, e.g. imagegate policy eval -d policies data.imagegate.decision');
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'raw' && format !== 'pretty')
    throw usageError(`eval: format ${JSON.stringify(format)} is not supported; use -f json, raw or pretty`);
  if (values.fail === true && values['fail-defined'] === true)
    throw usageError('eval: --fail and --fail-defined exclude each other');
  if (values.input !== undefined && values['stdin-input'] === true)
    throw usageError('eval: give the input with -i FILE or -I (stdin), not both');
  const input =
    values['stdin-input'] === true
      ? await stdinDocument(io)
      : values.input === undefined
        ? undefined
        : await fileDocument(values.input);
  const outcome =
    values.bundle === undefined
      ? await evalSources({
          paths: values.data ?? [],
          query,
          input,
          regoVersion: regoVersion(values['v0-compatible']),
          print: io.stderr,
        })
      : await evalBundle({ file: values.bundle, query, input, print: io.stderr });
  present(outcome, format, io);
  if (outcome.kind === 'errors') return 2;
  const defined = outcome.rows.length > 0;
  return (values.fail === true && !defined) || (values['fail-defined'] === true && defined) ? 1 : 0;
}

/** Print lines go to `print` (the CLI's stderr, as `opa eval` writes them). */
async function evalSources(opts: {
  paths: readonly string[];
  query: string;
  input: unknown;
  regoVersion: RegoVersion;
  print: (line: string) => void;
}): Promise<Outcome> {
  const { modules, data } = await loadPolicySources(opts.paths);
  const sources = diskSources(new Map([...modules.map((m) => [m.file, m.text] as const), ['', opts.query]]));
  let wasm: Uint8Array;
  let expressions;
  try {
    const parsed = parseSources({ sources: modules, regoVersion: opts.regoVersion });
    const instrumented = instrumentQuery({
      source: opts.query,
      body: parseQuery(opts.query, { file: '<query>' }),
      functionArity: functionArities(parsed),
    });
    expressions = instrumented.expressions;
    wasm = compileQuery({
      sources: modules,
      query: instrumented.body,
      regoVersion: opts.regoVersion,
      enablePrint: true,
    });
  } catch (err) {
    const errors = opaErrors(err, sources);
    if (errors === undefined) throw err;
    return { kind: 'errors', errors: hideInternalNames(errors) };
  }
  const policy = await loadRegoPolicy({ wasm, data, builtins: { print: opts.print } });
  let rows: unknown;
  try {
    rows = policy.evaluate(opts.input);
  } catch (err) {
    return { kind: 'errors', errors: opaEvalErrors(err) };
  }
  return { kind: 'result', rows: evalRows({ rows: Array.isArray(rows) ? rows : [], expressions }) };
}

/**
 * The variables that capture expression values are imagegate's (OPA's are "generated" and
 * never reported): an error about one of them is always accompanied by the error about the
 * user's own term, so it is dropped.
 */
function hideInternalNames(errors: readonly OpaError[]): OpaError[] {
  const own = errors.filter((e) => !e.message.includes(EXPR_VAR_PREFIX));
  return own.length > 0
    ? own
    : errors.map((e) => ({
        ...e,
        message: e.message.replaceAll(new RegExp(`${EXPR_VAR_PREFIX}\\d+`, 'g'), 'the expression'),
      }));
}

/** A bundle's module is already compiled: the query must name one of its entrypoints. */
async function evalBundle(opts: {
  file: string;
  query: string;
  input: unknown;
  print: (line: string) => void;
}): Promise<Outcome> {
  const bundle = await readBundle({ bytes: await readFile(opts.file), source: opts.file });
  const text = opts.query.trim();
  const entrypoint = /^data((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(text)?.[1]?.slice(1).replaceAll('.', '/');
  const names = bundle.manifest.wasm.map((w) => w.entrypoint);
  if (entrypoint === undefined || !names.includes(entrypoint)) {
    throw usageError(
      `eval -b: a bundle answers only its entrypoints (${names.map((n) => `data.${n.replaceAll('/', '.')}`).join(', ')}); got ${JSON.stringify(opts.query)}`,
    );
  }
  const policy = await loadRegoPolicy({ wasm: bundle.wasm, data: bundle.data, builtins: { print: opts.print } });
  let rows: unknown;
  try {
    rows = policy.evaluate(opts.input, entrypoint);
  } catch (err) {
    return { kind: 'errors', errors: opaEvalErrors(err) };
  }
  const lead = opts.query.length - opts.query.trimStart().length;
  const before = opts.query.slice(0, lead).split('\n');
  const location = { row: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
  return {
    kind: 'result',
    rows: (Array.isArray(rows) ? rows : []).map((r: unknown) => ({
      expressions: [
        { value: typeof r === 'object' && r !== null && 'result' in r ? r.result : undefined, text, location },
      ],
    })),
  };
}

function present(outcome: Outcome, format: Format, io: CliIo): void {
  if (outcome.kind === 'errors') {
    if (format === 'json') io.stdout(goJson({ errors: outcome.errors }, true));
    else io.stderr(formatOpaErrors(outcome.errors));
    return;
  }
  const rows = outcome.rows;
  switch (format) {
    case 'json':
      io.stdout(goJson(rows.length === 0 ? {} : { result: rows }, true));
      return;
    case 'raw':
      for (const row of rows)
        io.stdout(row.expressions.map((e) => (typeof e.value === 'string' ? e.value : goJson(e.value))).join(' '));
      return;
    case 'pretty':
      io.stdout(pretty(rows));
      return;
  }
}

/** OPA's `-f pretty`: "undefined"; one value alone; else a table of bindings and non-boolean expressions. */
function pretty(rows: readonly EvalRow[]): string {
  const [first] = rows;
  if (first === undefined) return 'undefined';
  const exprs = first.expressions;
  const bindings = first.bindings ?? {};
  if (
    rows.length === 1 &&
    Object.keys(bindings).length === 0 &&
    (exprs.length === 1 || exprs.every((e) => typeof e.value === 'boolean'))
  ) {
    return goJson(exprs[0]?.value, true);
  }
  const vars = Object.keys(bindings).sort();
  const shown = exprs.flatMap((e, i) =>
    typeof e.value !== 'boolean' || vars.length === 0 ? [{ i, text: e.text }] : [],
  );
  const header = [...vars, ...shown.map((s) => s.text)];
  const body = rows.map((r) => [
    ...vars.map((v) => goJson(r.bindings?.[v])),
    ...shown.map((s) => goJson(r.expressions[s.i]?.value)),
  ]);
  return prettyTable(header, body);
}

async function stdinDocument(io: CliIo): Promise<unknown> {
  if (io.stdin === undefined)
    throw usageError('eval: -I reads the input from stdin, which this caller does not provide');
  const text = await io.stdin();
  try {
    return parseYaml(text);
  } catch (err) {
    throw usageError(`eval: the input on stdin is not valid JSON or YAML: ${errorMessage(err)}`, err);
  }
}

async function fileDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw usageError(`eval: cannot read input ${JSON.stringify(file)}: ${errorMessage(err)}`, err);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw usageError(
      `eval: input ${JSON.stringify(file)} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${errorMessage(err)}`,
      err,
    );
  }
}
