import { pino, type Logger, type DestinationStream, type LoggerOptions } from 'pino';
import type { LogLevel } from '../config/index.js';
import { capLogValue, capString, defaultLogCaps } from './cap.js';
import { redactPaths } from './redact.js';
import { isRecord } from '../guards/index.js';

export type { Logger } from 'pino';
export { capString } from './cap.js';

/**
 * The one way imagegate builds a logger: JSON lines, credentials redacted, and every field and
 * message bounded by defaultLogCaps (child loggers, fastify's included, inherit both).
 */
export function createLogger(opts: { readonly level: LogLevel; readonly destination?: DestinationStream }): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    base: { service: 'imagegate' },
    redact: { paths: [...redactPaths], censor: '[redacted]' },
    formatters: { log: (object) => capFields(object) },
    // capFields has already turned Errors into pino's err shape, capped; the standard serializer
    // would rebuild them from the untouched cause chain.
    serializers: { err: (value: unknown) => value },
    hooks: {
      logMethod(args, method) {
        // The message and its printf arguments; the merging object is capped by formatters.log.
        for (const [i, a] of args.entries()) {
          if (typeof a === 'string') args[i] = capString({ value: a, max: defaultLogCaps.maxStringLength });
        }
        method.apply(this, args);
      },
    },
  };
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
}

function capFields(object: Record<string, unknown>): Record<string, unknown> {
  const capped = capLogValue({ value: object });
  return isRecord(capped) ? { ...capped } : {};
}
