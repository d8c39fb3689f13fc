import { ImagegateError, errorMessage } from '../errors/index.js';
import { objectLabel, sessionArgs } from './check.js';
import { isInputError, runSession } from './check-session.js';
import { parseOptions } from './policy-args.js';
import type { CliIo } from './io.js';

export const inputUsage = `Usage: imagegate policy input -f FILE|DIR|- [-f ...] [--config FILE] [--offline] [--facts FILE] [--namespace NS] [--validate-only]

Prints the exact \`input\` document the webhook's /validate gives the policy for each object of
the manifests on CREATE, after /mutate pinned its tags (--validate-only: as written), with the
digests judged and every fact source's answer, as JSON: the
document itself for one object, an array for several. Save it and run \`opa eval -i FILE\` or
\`imagegate policy eval -i FILE\` with it, or paste it into a Rego test. Objects the policy is not
run for (other kinds, no images, only invalid image references) are named on stderr.
`;

const options = {
  file: { type: 'string', short: 'f', multiple: true },
  'validate-only': { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  offline: { type: 'boolean' },
  facts: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
} as const;

/** `imagegate policy input …`; resolves to the exit code (0, or 2 on usage or input errors). */
export async function policyInputCommand(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseOptions(args, options, 'input');
    const session = sessionArgs({ values, positionals, command: 'policy input' });
    const { verdicts } = await runSession({ args: session, io, captureInput: true });
    const inputs = [];
    for (const v of verdicts) {
      if (v.input !== undefined) inputs.push(v.input);
      else if (v.verdict !== 'skipped')
        io.stderr(`${v.file}:${v.where} ${objectLabel(v)}: the policy is not run for it (no image to judge)`);
    }
    io.stdout(JSON.stringify(inputs.length === 1 ? inputs[0] : inputs, null, 2));
    return 0;
  } catch (err) {
    if (!isInputError(err)) throw err;
    io.stderr(`imagegate: ${err instanceof ImagegateError ? `${err.code}: ` : ''}${errorMessage(err)}`);
    return 2;
  }
}
