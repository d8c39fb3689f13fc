import { writeFile } from 'node:fs/promises';
import { builtinDeclarations, type EmitTarget } from '../rego/index.js';
import { compileBundle, DEFAULT_ENTRYPOINT } from '../policy/index.js';
import { loadPolicySources } from '../policy/index.js';
import { evalCommand, evalUsage } from './policy-eval.js';
import { testCommand, testUsage } from './policy-test.js';
import { checkCommand, checkUsage } from './policy-check.js';
import { fmtCommand, fmtUsage } from './policy-fmt.js';
import { inputUsage, policyInputCommand } from './policy-input.js';
import { parseOptions, regoVersion, usageError, versionOption } from './policy-args.js';
import type { CliIo } from './io.js';

export const policyUsage = `Usage: imagegate policy <build|eval|test|check|fmt|input|capabilities> [options]

  build [-e PKG/RULE]... [-o FILE] [-O 0|1] [--revision R] [--enable-print] [--v0-compatible] [--target imagegate|opa] PATH...
        compile .rego and data files to an OPA wasm bundle, like \`opa build -t wasm\`
  eval [-d PATH]... [-b BUNDLE] [-i FILE | -I] [-f json|raw|pretty] [--fail | --fail-defined] QUERY
        evaluate a query and print what \`opa eval\` prints
  test [-v] [-r REGEX] [--format pretty|json] [--coverage] PATH...
        run the test_* rules, like \`opa test\`
  check [--strict] PATH...
        parse, compile and type check, like \`opa check\`; every error as file:row:col
  fmt [-w | -l | -d] [--fail] PATH...
        format .rego files in OPA's style, like \`opa fmt\`
  input -f FILE|DIR|- [--config FILE] [--offline] [--facts FILE] [--namespace NS]
        print the exact input the webhook gives the policy for each manifest object
  capabilities
        print the supported built-ins in OPA's capabilities JSON shape

Every subcommand takes --v0-compatible (Rego v0 sources, as Gatekeeper's) except capabilities,
and --help for its own options: \`imagegate policy eval --help\`.
`;

const buildUsage = `Usage: imagegate policy build [-e PKG/RULE]... [-o FILE] [-O 0|1] [--revision R] [--enable-print] [--v0-compatible] [--target imagegate|opa] PATH...

Compiles .rego and data files (or directories of them) to an OPA wasm bundle, like
\`opa build -t wasm\`: default entrypoint imagegate/decision, output bundle.tar.gz.
  -O 1            also optimise the module (smaller, slower to build)
  --enable-print  keep print() calls (\`policy eval -b\` writes them to stderr); dropped otherwise
  --target opa    name only OPA's built-ins, for hosts with OPA's own (OPA's Go or Rust SDK);
                  the default target needs imagegate's hostBuiltins()
`;

const capabilitiesUsage = `Usage: imagegate policy capabilities

Prints the built-ins policies may call (each runs), in OPA's capabilities JSON shape.
`;

const subUsage: Readonly<Record<string, string>> = {
  build: buildUsage,
  eval: evalUsage,
  test: testUsage,
  check: checkUsage,
  fmt: fmtUsage,
  input: inputUsage,
  capabilities: capabilitiesUsage,
};

/** `imagegate policy …`; resolves to the exit code. */
export async function policyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const help = sub === undefined ? undefined : subUsage[sub];
  if (help !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(help);
    return 0;
  }
  switch (sub) {
    case 'build':
      return build(rest, io);
    case 'eval':
      return evalCommand(rest, io);
    case 'test':
      return testCommand(rest, io);
    case 'check':
      return checkCommand(rest, io);
    case 'fmt':
      return fmtCommand(rest, io);
    case 'input':
      return policyInputCommand(rest, io);
    case 'capabilities':
      io.stdout(JSON.stringify(capabilities(), null, 2));
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(policyUsage);
      return sub === undefined ? 2 : 0;
    default:
      throw usageError(`has no subcommand ${JSON.stringify(sub)}`);
  }
}

function emitTarget(value: string | undefined): EmitTarget {
  if (value === undefined || value === 'imagegate') return 'imagegate';
  if (value === 'opa') return 'opa';
  throw usageError(`build: --target takes imagegate or opa, got ${JSON.stringify(value)}`);
}

async function build(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    {
      entrypoint: { type: 'string', short: 'e', multiple: true },
      output: { type: 'string', short: 'o' },
      optimize: { type: 'string', short: 'O' },
      revision: { type: 'string' },
      'enable-print': { type: 'boolean' },
      target: { type: 'string' },
      ...versionOption,
    },
    'build',
  );
  if (positionals.length === 0)
    throw usageError('build needs at least one PATH (a .rego file, data file or directory)');
  const { modules, data } = await loadPolicySources(positionals);
  if (values.optimize !== undefined && values.optimize !== '0' && values.optimize !== '1')
    throw usageError(`build: -O takes 0 or 1, got ${JSON.stringify(values.optimize)}`);
  const built = await compileBundle({
    sources: modules,
    data,
    entrypoints: values.entrypoint ?? [DEFAULT_ENTRYPOINT],
    regoVersion: regoVersion(values['v0-compatible']),
    optimize: values.optimize === '1',
    enablePrint: values['enable-print'] === true,
    target: emitTarget(values.target),
    ...(values.revision === undefined ? {} : { revision: values.revision }),
  });
  const out = values.output ?? 'bundle.tar.gz';
  await writeFile(out, built.bytes);
  io.stdout(
    `wrote ${out}: ${modules.length} module(s), entrypoints ${built.manifest.wasm.map((w) => w.entrypoint).join(', ')}, policy.wasm ${built.wasmBytes} bytes`,
  );
  return 0;
}

/** Exactly the built-ins that compile and run (the catalogue's supported ones); deprecated ones (v0 modules only) are marked as OPA marks them. */
function capabilities() {
  return {
    builtins: builtinDeclarations.map(({ name, decl, deprecated }) =>
      deprecated ? { name, decl, deprecated } : { name, decl },
    ),
    wasm_abi_versions: [
      { version: 1, minor_version: 1 },
      { version: 1, minor_version: 2 },
    ],
    features: ['rego_v1'],
  };
}
