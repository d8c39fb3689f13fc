import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `version` of imagegate's package.json, read once. This file runs from src/cli (tsx) or
 * dist/src/cli (built): the nearest package.json above it named "imagegate" is the package's.
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (
        typeof pkg === 'object' &&
        pkg !== null &&
        'name' in pkg &&
        pkg.name === 'imagegate' &&
        'version' in pkg &&
        typeof pkg.version === 'string'
      )
        return pkg.version;
    } catch {
      // no package.json here: look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
