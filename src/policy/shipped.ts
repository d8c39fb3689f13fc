import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImagegateError } from '../errors/index.js';

/** Where `npm run build` writes the bundle of the shipped policies, from the package root. */
export const SHIPPED_BUNDLE_FILE = join('dist', 'policies', 'imagegate.tar.gz');

/**
 * The root of the imagegate package (the directory of its package.json, beside `policies/`),
 * found by walking up from this module: it works from src/ under the test runner and from
 * dist/ when installed.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && isImagegatePackage(pkg) && existsSync(join(dir, 'policies'))) return dir;
    dir = dirname(dir);
  }
  throw new ImagegateError(
    'IMAGEGATE_POLICY_NOT_CONFIGURED',
    'the policies shipped with imagegate were not found next to its package.json; reinstall imagegate or set policy.bundle or policy.dir',
  );
}

/** The `policies/` directory shipped with imagegate. */
export function shippedPolicyDir(): string {
  return join(packageRoot(), 'policies');
}

function isImagegatePackage(file: string): boolean {
  try {
    const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof pkg === 'object' && pkg !== null && 'name' in pkg && pkg.name === 'imagegate';
  } catch {
    return false;
  }
}
