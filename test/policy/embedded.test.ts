/**
 * The shipped policies compiled at start-up name their files from the package root, as a
 * bundle does: an evaluation error's location never shows where imagegate is installed.
 */
import t from 'tap';
import { embeddedBundle } from '../../src/policy/load.js';
import { repoRoot } from '../fixtures/shared.js';

t.test('the embedded bundle names its modules policies/…, never by absolute path', async (t) => {
  const { bundle } = await embeddedBundle('imagegate/decision');
  const text = Buffer.from(bundle.wasm).toString('latin1');
  t.notOk(text.includes(repoRoot), `the module does not contain ${repoRoot}`);
  t.match(text, /policies\/imagegate\/[a-z_-]+\.rego/, 'file names start at policies/');
});
