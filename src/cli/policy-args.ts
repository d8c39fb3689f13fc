import { parseArgs } from 'node:util';
import { ImagegateError, errorMessage } from '../errors/index.js';
import type { RegoVersion } from '../rego/index.js';

export function usageError(message: string, cause?: unknown): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_CLI_USAGE',
    `policy ${message}; run \`imagegate policy help\``,
    cause === undefined ? undefined : { cause },
  );
}

/** node:util parseArgs, strict, with positionals; a bad option is IMAGEGATE_CLI_USAGE naming the subcommand. */
type Options = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export function parseOptions<T extends Options>(
  args: readonly string[],
  options: T,
  sub: string,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageError(`${sub}: ${errorMessage(err)}`, err);
  }
}

export const versionOption = { 'v0-compatible': { type: 'boolean' } } as const;
export const regoVersion = (v0: unknown): RegoVersion => (v0 === true ? 0 : 1);
