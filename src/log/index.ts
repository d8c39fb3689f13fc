import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from '../config/index.js';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log object. Credentials reach the process through
 * registry auth, pull secrets and TLS material; none of them may ever be written to a log.
 */
export const redactPaths: readonly string[] = [
  'password',
  'token',
  'auth',
  'authorization',
  'key',
  '*.password',
  '*.token',
  '*.auth',
  '*.authorization',
  '*.key',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** The one way imagegate builds a logger: JSON lines, credentials redacted. */
export function createLogger(opts: { readonly level: LogLevel; readonly destination?: DestinationStream }): Logger {
  const options = {
    level: opts.level,
    base: { service: 'imagegate' },
    redact: { paths: [...redactPaths], censor: '[redacted]' },
  };
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
}
