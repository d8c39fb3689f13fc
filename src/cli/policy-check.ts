import { checkSources } from '../rego/index.js';
import { loadPolicySources } from '../policy/index.js';
import { parseOptions, regoVersion, usageError, versionOption } from './policy-args.js';
import { diskSources, formatOpaErrors, problemsAsOpa } from './rego-errors.js';
import type { CliIo } from './io.js';

export const checkUsage = `Usage: imagegate policy check [--strict] [--v0-compatible] PATH...

Parses, compiles and type checks the .rego files (directories are walked), like \`opa check\`:
prints nothing and exits 0 when they are clean; otherwise prints every error, one per line as
\`file:row:col: code: message\` after "N errors occurred:" (parse errors with the source line
and a caret), and exits 1.
  --strict  also report unused and duplicate imports, deprecated built-ins (v0 modules) and
            variables assigned with := that are never used
`;

/** `imagegate policy check`; resolves to the exit code. */
export async function checkCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, { strict: { type: 'boolean' }, ...versionOption }, 'check');
  if (positionals.length === 0) throw usageError('check needs at least one PATH (a .rego file or directory)');
  const { modules } = await loadPolicySources(positionals);
  const problems = checkSources({
    sources: modules,
    regoVersion: regoVersion(values['v0-compatible']),
    strict: values.strict === true,
  });
  if (problems.length === 0) return 0;
  io.stderr(formatOpaErrors(problemsAsOpa(problems, diskSources(new Map(modules.map((m) => [m.file, m.text]))))));
  return 1;
}
