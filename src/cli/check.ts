import { ImagegateError, errorMessage } from '../errors/index.js';
import { writeFactsFile } from './check-facts.js';
import type { ObjectVerdict } from './check-run.js';
import { isInputError, runSession, type SessionArgs } from './check-session.js';
import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import type { FactsMode } from './check-run.js';

export const checkUsage = `Usage: imagegate check -f FILE|DIR|- [-f ...] [--config FILE] [--offline] [-o text|json]
                       [--record FILE] [--facts FILE] [--namespace NS] [--validate-only]

Decides every Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
ReplicationController and PodTemplate of the manifests as the webhook's /validate would on
CREATE, after /mutate pinned its tags: the same config, registries, fact sources and policies,
the same messages and warnings.
  -f, --file FILE|DIR|-  a manifest (multi-document YAML or JSON, \`kind: List\`), a directory of
                         *.yaml, *.yml, *.json (recursively), or - for stdin (helm template, kustomize build)
  --config FILE          imagegate's config (default: the embedded defaults, as \`imagegate serve\`)
  --offline              contact no registry, fact source or Kubernetes API: tags stay unresolved
                         (and /mutate, which could pin nothing, is skipped)
  --record FILE          write every fact gathered (digests, signatures, health) to FILE
  --facts FILE           judge with the facts in FILE (from --record) instead; contacts nothing
  -n, --namespace NS     namespace of objects that name none (default "default")
  --validate-only        skip /mutate (a cluster with only the validating webhook); by default
                         images are pinned by /mutate first, as the API server calls it first
  -o, --output text|json text (default): per object "FILE:DOC Kind ns/name: allowed|denied", the
                         denial message and warnings; json: one document with every object
Exit 0 when everything is allowed, 1 when something would be denied, 2 on usage or input errors.
`;

const options = {
  file: { type: 'string', short: 'f', multiple: true },
  'validate-only': { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  offline: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  record: { type: 'string' },
  facts: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
} as const;

type Output = 'text' | 'json';

function usage(message: string): ImagegateError {
  return new ImagegateError('IMAGEGATE_CLI_USAGE', `check: ${message}; run \`imagegate check --help\``);
}

/** The shared options of `check` and `policy input`: files, config, namespace and where facts come from. */
export function sessionArgs(opts: {
  readonly values: {
    file?: string[];
    config?: string;
    offline?: boolean;
    facts?: string;
    namespace?: string;
    record?: string;
    'validate-only'?: boolean;
  };
  readonly positionals: readonly string[];
  readonly command: string;
}): SessionArgs {
  const { values, command } = opts;
  const fail = (m: string) =>
    new ImagegateError('IMAGEGATE_CLI_USAGE', `${command}: ${m}; run \`imagegate ${command} --help\``);
  if (opts.positionals.length > 0)
    throw fail(`unexpected argument ${JSON.stringify(opts.positionals[0])}: pass manifests with -f`);
  const files = values.file ?? [];
  if (files.length === 0) throw fail('needs at least one -f FILE, DIR or - (stdin)');
  if (values.record !== undefined && (values.offline === true || values.facts !== undefined))
    throw fail('--record writes the facts gathered from registries; it cannot be combined with --offline or --facts');
  const facts: FactsMode =
    values.facts !== undefined
      ? { kind: 'replay', file: values.facts }
      : values.offline === true
        ? { kind: 'offline' }
        : { kind: 'live', record: values.record !== undefined };
  return {
    files,
    facts,
    mutate: values['validate-only'] !== true,
    ...(values.config === undefined ? {} : { configFile: values.config }),
    ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
    ...(values.record === undefined ? {} : { recordFile: values.record }),
  };
}

/** Progress is drawn only on a terminal, and only for runs long enough to want it. */
const PROGRESS_ABOVE = 20;
const BAR_WIDTH = 30;

/** `imagegate check …`; resolves to the exit code (0 allowed, 1 something denied, 2 usage or input error). */
export async function checkCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(checkUsage);
    return 0;
  }
  try {
    const { values, positionals } = parseCheckArgs(args);
    const output = outputOf(values.output);
    const session = sessionArgs({ values, positionals, command: 'check' });
    const { progress } = io;
    const bar = { drawn: false };
    const { verdicts, recorded } = await runSession({
      args: session,
      io,
      ...(progress === undefined
        ? {}
        : {
            progress: (done: number, total: number) => {
              if (total <= PROGRESS_ABOVE) return;
              bar.drawn = true;
              progress(progressFrame(done, total));
            },
          }),
    });
    if (bar.drawn) progress?.('\r\x1b[K');
    if (session.recordFile !== undefined && recorded !== undefined)
      await writeFactsFile({ file: session.recordFile, facts: recorded });
    if (output === 'json') io.stdout(JSON.stringify(jsonReport(verdicts), null, 2));
    else printText(verdicts, io);
    return verdicts.some((v) => v.verdict === 'denied') ? 1 : 0;
  } catch (err) {
    if (!isInputError(err)) throw err;
    io.stderr(`imagegate: ${err instanceof ImagegateError ? `${err.code}: ` : ''}${errorMessage(err)}`);
    return 2;
  }
}

function parseCheckArgs(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw usage(errorMessage(err));
  }
}

function outputOf(value: string | undefined): Output {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw usage(`-o takes text or json, got ${JSON.stringify(value)}`);
}

/** One frame of the bar, drawn over the last (`\r`). */
export function progressFrame(done: number, total: number): string {
  const filled = Math.round((done / total) * BAR_WIDTH);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} objects`;
}

/** `kind ns/name`, with `(generateName)` for an object the API server would name. */
export function objectLabel(v: ObjectVerdict): string {
  return `${v.id.kind} ${v.id.namespace}/${v.id.name === '' ? '(generateName)' : v.id.name}`;
}

function printText(verdicts: readonly ObjectVerdict[], io: CliIo): void {
  const count = { allowed: 0, denied: 0, skipped: 0 };
  for (const v of verdicts) {
    count[v.verdict] += 1;
    if (v.verdict === 'skipped') continue;
    io.stdout(`${v.file}:${v.where} ${objectLabel(v)}: ${v.verdict}`);
    if (v.message !== undefined) io.stdout(v.message);
    for (const w of v.warnings) io.stdout(`Warning: ${w}`);
  }
  io.stdout(
    `checked ${plural(verdicts.length - count.skipped, 'object')}: ${count.allowed} allowed, ${count.denied} denied (${count.skipped} of other kinds not reviewed)`,
  );
}

/** The -o json document: every object, skipped kinds included, then the counts. */
function jsonReport(verdicts: readonly ObjectVerdict[]) {
  return {
    objects: verdicts.map((v) => ({
      file: v.file,
      document: v.where,
      apiVersion: v.id.group === '' ? v.id.version : `${v.id.group}/${v.id.version}`,
      kind: v.id.kind,
      namespace: v.id.namespace,
      name: v.id.name,
      verdict: v.verdict,
      ...(v.code === undefined ? {} : { code: v.code }),
      ...(v.message === undefined ? {} : { message: v.message }),
      warnings: v.warnings,
      images: v.images,
      pinned: v.pinned,
    })),
    allowed: verdicts.filter((v) => v.verdict === 'allowed').length,
    denied: verdicts.filter((v) => v.verdict === 'denied').length,
    skipped: verdicts.filter((v) => v.verdict === 'skipped').length,
  };
}

/** `1 object`, `2 objects`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
