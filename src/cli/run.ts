import { parseArgs } from 'node:util';
import { ImagegateError, errorMessage, isImagegateError } from '../errors/index.js';
import { runCaBundlePatchCommand, runCertsCommand, DEFAULT_CERTS_OUT } from '../certs/index.js';
import { serveCommand } from './serve.js';

export const usage = `Usage: imagegate <command> [options]

Commands:
  serve [--config FILE]          run the admission webhook (HTTPS); embedded defaults without --config
  certs --service NAME --namespace NS [--out DIR] [--days N] [--trust CA_FILE]... [--patch-manifests FILE]...
                                 create a CA and a serving certificate for the webhook Service and
                                 print the caBundle for the webhook configurations (the new CA, then
                                 each --trust CA: rotation with overlap); --patch-manifests writes it
                                 into every webhook of FILE
  certs --trust CA_FILE... --patch-manifests FILE...
                                 write a caBundle of these CAs only into FILE (ends a rotation)
  check -f FILE|DIR|- [--config FILE] [--offline] [-o text|json] [--record FILE] [--facts FILE] [--namespace NS]
                                 decide manifests as the webhook would (CI): exit 1 when something
                                 would be denied (see \`imagegate check --help\`)
  policy build|eval|test|check|fmt|input|capabilities
                                 compile, evaluate and test Rego policies; print a manifest's policy
                                 input (see \`imagegate policy help\`)
  version, --version             print imagegate's version
  help                           show this text; \`imagegate policy SUB --help\` for each policy command
`;

import type { CliIo } from './io.js';
import { packageVersion } from './version.js';

export type { CliIo } from './io.js';

/** Runs one command line; resolves to the process exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if ((command === 'serve' || command === 'certs') && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(usage);
    return 0;
  }
  try {
    switch (command) {
      case 'serve':
        await serveCommand(parseServe(rest));
        return 0;
      case 'policy': {
        // Loaded only for `policy`: it brings the Rego compiler and binaryen, which `serve` never loads.
        const { policyCommand } = await import('./policy.js');
        return await policyCommand(rest, io);
      }
      case 'check': {
        // Loaded only for `check`, as `policy` is.
        const { checkCommand } = await import('./check.js');
        return await checkCommand(rest, io);
      }
      case 'certs':
        await certsCommand(parseCerts(rest), io);
        return 0;
      case 'version':
      case '--version':
      case '-v':
        io.stdout(`imagegate ${packageVersion()}`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(usage);
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`imagegate: unknown command ${JSON.stringify(command)}\n\n${usage}`);
        return 2;
    }
  } catch (err) {
    if (command === 'policy' && (await printedAsRego(err, io))) return 1;
    io.stderr(isImagegateError(err) ? `imagegate: ${err.code}: ${err.message}` : `imagegate: ${errorMessage(err)}`);
    return isImagegateError(err, 'IMAGEGATE_CLI_USAGE') ? 2 : 1;
  }
}

/** Prints a Rego parse or compile error in OPA's layout; false for any other error. */
async function printedAsRego(err: unknown, io: CliIo): Promise<boolean> {
  const { diskSources, formatOpaErrors, opaErrors } = await import('./rego-errors.js');
  const rego = opaErrors(err, diskSources());
  if (rego === undefined) return false;
  io.stderr(formatOpaErrors(rego));
  return true;
}

function usageError(command: string, err: unknown): ImagegateError {
  return new ImagegateError('IMAGEGATE_CLI_USAGE', `${command}: ${errorMessage(err)}; run \`imagegate help\``, {
    cause: err,
  });
}

function parseServe(args: readonly string[]): { configFile?: string } {
  let v;
  try {
    v = parseArgs({ args: [...args], options: { config: { type: 'string', short: 'c' } }, strict: true }).values;
  } catch (err) {
    throw usageError('serve', err);
  }
  return typeof v.config === 'string' ? { configFile: v.config } : {};
}

/** `imagegate certs` either generates (with --service and --namespace) or only patches a caBundle. */
type CertsArgs =
  | {
      readonly kind: 'generate';
      readonly service: string;
      readonly namespace: string;
      readonly out: string;
      readonly days?: number;
      readonly trust: readonly string[];
      readonly patchManifests: readonly string[];
    }
  | { readonly kind: 'patch'; readonly trust: readonly string[]; readonly patchManifests: readonly string[] };

async function certsCommand(args: CertsArgs, io: CliIo): Promise<void> {
  switch (args.kind) {
    case 'generate':
      await runCertsCommand({
        service: args.service,
        namespace: args.namespace,
        out: args.out,
        ...(args.days === undefined ? {} : { days: args.days }),
        trust: args.trust,
        patchManifests: args.patchManifests,
        stdout: io.stdout,
      });
      return;
    case 'patch':
      await runCaBundlePatchCommand({ trust: args.trust, patchManifests: args.patchManifests, stdout: io.stdout });
      return;
  }
}

const CERTS_REQUIRED =
  'certs: --service NAME and --namespace NS are required to create certificates, e.g. `imagegate certs --service imagegate --namespace imagegate`; ' +
  'to only write a caBundle, pass --trust CA_FILE and --patch-manifests FILE';

function parseCertsDays(days: string | undefined): { days?: number } {
  if (days === undefined) return {};
  const value = Number(days);
  if (!Number.isInteger(value)) {
    throw new ImagegateError(
      'IMAGEGATE_CLI_USAGE',
      `certs: --days must be a whole number of days, got ${JSON.stringify(days)}`,
    );
  }
  return { days: value };
}

function parseCerts(args: readonly string[]): CertsArgs {
  let v;
  try {
    const options = {
      service: { type: 'string' },
      namespace: { type: 'string' },
      out: { type: 'string' },
      days: { type: 'string' },
      trust: { type: 'string', multiple: true },
      'patch-manifests': { type: 'string', multiple: true },
    } as const;
    v = parseArgs({ args: [...args], options, strict: true }).values;
  } catch (err) {
    throw usageError('certs', err);
  }
  const trust = v.trust ?? [];
  const patchManifests = v['patch-manifests'] ?? [];
  const generates = v.service !== undefined || v.namespace !== undefined || v.out !== undefined || v.days !== undefined;
  if (!generates && trust.length > 0 && patchManifests.length > 0) return { kind: 'patch', trust, patchManifests };
  if (v.service === undefined || v.namespace === undefined)
    throw new ImagegateError('IMAGEGATE_CLI_USAGE', CERTS_REQUIRED);
  const out = v.out ?? DEFAULT_CERTS_OUT;
  return {
    kind: 'generate',
    service: v.service,
    namespace: v.namespace,
    out,
    trust,
    patchManifests,
    ...parseCertsDays(v.days),
  };
}
