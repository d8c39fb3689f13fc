/**
 * `npm run build`'s last step (`node dist/src/policy/shipped-build.js`): compiles the shipped
 * `policies/` (without `*_test.rego`, print erased, entrypoint imagegate/decision) into
 * dist/policies/imagegate.tar.gz, whose revision is the sources' hash. `imagegate serve` loads
 * that bundle instead of compiling at start-up, and compiles only if the sources no longer hash
 * to its revision.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { compileBundle, DEFAULT_ENTRYPOINT } from './build.js';
import { readPolicyDir } from './dir.js';
import { packageRoot, shippedPolicyDir, SHIPPED_BUNDLE_FILE } from './shipped.js';

const root = packageRoot();
const { sources, data, revision } = await readPolicyDir({ dir: shippedPolicyDir() });
const built = await compileBundle({ sources, data, entrypoints: [DEFAULT_ENTRYPOINT], enablePrint: false, revision });
const file = join(root, SHIPPED_BUNDLE_FILE);
await mkdir(dirname(file), { recursive: true });
await writeFile(file, built.bytes);
process.stdout.write(`${relative(root, file)}: ${sources.length} modules, revision ${revision}\n`);
