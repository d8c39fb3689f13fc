import { ImagegateError } from '../errors/index.js';
import type { Config } from './types.js';

/**
 * Relations between keys that the schema cannot state. Throws IMAGEGATE_CONFIG_INVALID naming
 * both keys. A parsing cap below the body limit would refuse, as busy, every body between the
 * two even on an idle server.
 */
export function checkLimitRelations(config: Config, source: string): void {
  const { bodyLimitBytes, maxParsingBytes } = config.server;
  if (maxParsingBytes < bodyLimitBytes) {
    throw new ImagegateError(
      'IMAGEGATE_CONFIG_INVALID',
      `${source}: /server/maxParsingBytes (${maxParsingBytes}) must be at least /server/bodyLimitBytes (${bodyLimitBytes}), or a body of the largest accepted size could never be parsed; raise maxParsingBytes or lower bodyLimitBytes`,
    );
  }
}
