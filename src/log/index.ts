import { pino, type Logger, type DestinationStream, type LoggerOptions } from 'pino';
import type { LogLevel } from '../config/index.js';
import { capLogValue, capString, defaultLogCaps } from './cap.js';
import { CENSORED, REDACTED_KEYS } from './redact.js';
import { isRecord } from '../guards/index.js';

export type { Logger } from 'pino';
export { capString } from './cap.js';

/**
 * The one way imagegate builds a logger: JSON lines, credentials censored (redact.ts), and every
 * field and message bounded by defaultLogCaps, in one walk over each line's fields; child
 * loggers (fastify's included) inherit both. pino formats child bindings without the log
 * formatter, so their credential keys are censored by serializers instead (at their top level:
 * bindings are small labels such as fastify's reqId, never objects from a request).
 */
export function createLogger(opts: { readonly level: LogLevel; readonly destination?: DestinationStream }): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    base: { service: 'imagegate' },
    formatters: { log: (object) => capFields(object) },
    // capFields has already turned Errors into pino's err shape, capped; the standard serializer
    // would rebuild them from the untouched cause chain.
    serializers: { err: (value: unknown) => value, ...credentialSerializers },
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

/** pino applies serializers to bindings too: every credential key, in the letter cases pino can look up. */
const credentialSerializers = Object.fromEntries(
  [...REDACTED_KEYS].flatMap((k) =>
    [k, k.toUpperCase(), `${k[0]?.toUpperCase() ?? ''}${k.slice(1)}`].map((name) => [name, () => CENSORED]),
  ),
);

function capFields(object: Record<string, unknown>): Record<string, unknown> {
  const capped = capLogValue({ value: object });
  return isRecord(capped) ? { ...capped } : {};
}
