import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatModule, parseModule, type Import, type Module } from '../rego/index.js';
import { errorMessage } from '../errors/index.js';
import { parseOptions, regoVersion, usageError, versionOption } from './policy-args.js';
import { unifiedDiff } from './diff.js';
import type { CliIo } from './io.js';

export const fmtUsage = `Usage: imagegate policy fmt [-w | -l | -d] [--fail] [--drop-v0-imports] [--v0-compatible] [PATH...]

Formats .rego files (directories are walked) in OPA's style, like \`opa fmt\`: tabs, one
rule per paragraph, \`if\` and \`contains\` spelled. Without PATH it formats stdin.
  (default)  print the formatted source to stdout
  -w         write the formatted source back to each file that changes
  -l         list the files whose formatting differs
  -d         print a unified diff of the changes
  --fail     exit 1 when any file would change (for CI checks)
  --drop-v0-imports  drop \`import rego.v1\` and \`future.keywords\` imports (no-ops in Rego v1)
  --v0-compatible    read Rego v0 sources; the output is Rego v1 with \`import rego.v1\`, which
                     OPA reads in both versions
A module importing rego.v1 loses its \`future.keywords\` imports, as with opa fmt.
Formatting is idempotent: formatting the output again changes nothing.
`;

/** `imagegate policy fmt`; resolves to the exit code. */
export async function fmtCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    {
      write: { type: 'boolean', short: 'w' },
      list: { type: 'boolean', short: 'l' },
      diff: { type: 'boolean', short: 'd' },
      fail: { type: 'boolean' },
      'drop-v0-imports': { type: 'boolean' },
      ...versionOption,
    },
    'fmt',
  );
  const modes = [values.write, values.list, values.diff].filter((v) => v === true).length;
  if (modes > 1) throw usageError('fmt: -w, -l and -d exclude each other');
  const options = { version: regoVersion(values['v0-compatible']), dropV0Imports: values['drop-v0-imports'] === true };
  const files = positionals.length === 0 ? undefined : await regoFiles(positionals);
  const inputs =
    files === undefined
      ? [{ file: '', text: await stdinText(io) }]
      : await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  let changed = 0;
  for (const { file, text } of inputs) {
    const formatted = formatSource({ text, file, ...options });
    const differs = formatted !== text;
    if (differs) changed++;
    if (values.write === true) {
      if (differs && file !== '') await writeFile(file, formatted);
      else if (file === '') io.stdout(formatted.replace(/\n$/, ''));
    } else if (values.list === true) {
      if (differs) io.stdout(file === '' ? '<stdin>' : file);
    } else if (values.diff === true) {
      if (differs) io.stdout(unifiedDiff({ before: text, after: formatted, name: file === '' ? '<stdin>' : file }));
    } else {
      io.stdout(formatted.replace(/\n$/, ''));
    }
  }
  return values.fail === true && changed > 0 ? 1 : 0;
}

/**
 * Parses and prints one module. Throws the parse errors (a file that does not parse is never
 * rewritten). OPA's import handling: see fmtUsage.
 */
export function formatSource(opts: {
  readonly text: string;
  readonly file: string;
  readonly version: 0 | 1;
  readonly dropV0Imports: boolean;
}): string {
  const module = parseModule(opts.text, { file: opts.file, regoVersion: opts.version });
  return formatModule(withImports(module, opts));
}

function withImports(module: Module, opts: { readonly version: 0 | 1; readonly dropV0Imports: boolean }): Module {
  const isRegoV1 = (i: Import) => importPath(i) === 'rego.v1';
  const isFuture = (i: Import) => importPath(i).startsWith('future.keywords');
  let imports = module.imports;
  if (opts.dropV0Imports && opts.version === 1) imports = imports.filter((i) => !isRegoV1(i) && !isFuture(i));
  else if (imports.some(isRegoV1) || opts.version === 0) imports = imports.filter((i) => !isFuture(i));
  if (opts.version === 0 && !imports.some(isRegoV1)) imports = [regoV1Import(module.package.loc), ...imports];
  return { ...module, imports };
}

function importPath(i: Import): string {
  return [i.path.head.name, ...i.path.path.map((p) => p.value)].join('.');
}

function regoV1Import(loc: Import['loc']): Import {
  return {
    type: 'import',
    alias: null,
    loc,
    path: { type: 'ref', head: { type: 'var', name: 'rego', loc }, path: [{ type: 'string', value: 'v1', loc }], loc },
  };
}

/** `.rego` files under the paths, sorted per directory; hidden entries skipped. */
async function regoFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      throw usageError(`fmt: cannot read ${JSON.stringify(path)}: ${errorMessage(err)}`, err);
    }
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) if (!name.startsWith('.')) await visit(join(path, name), false);
    } else if (explicit || path.endsWith('.rego')) {
      out.push(path);
    }
  };
  for (const p of paths) await visit(p, true);
  return out;
}

async function stdinText(io: CliIo): Promise<string> {
  if (io.stdin === undefined)
    throw usageError('fmt needs PATHs (or a module on stdin, which this caller does not provide)');
  return io.stdin();
}
