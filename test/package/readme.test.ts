/**
 * The README's "Use a bundle outside imagegate" example, run as written in a project that
 * depends on imagegate: it must print what its last comment says.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../fixtures/shared.js';
import { runConsumer } from './consumer.js';

const HEADING = '## Use a bundle outside imagegate';

/** The first ```js block of the README section, and the output its `// prints …` line promises. */
async function readmeExample(): Promise<{ code: string; expected: string }> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(HEADING);
  if (start < 0) throw new Error(`README.md has no section "${HEADING}"`);
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(start));
  const code = block?.[1];
  if (code === undefined) throw new Error(`README section "${HEADING}" has no js code block`);
  const expected = /^\/\/ prints (.*)$/m.exec(code)?.[1];
  if (expected === undefined) throw new Error('the README example does not say what it prints (a "// prints …" line)');
  return { code, expected };
}

t.test(
  'the README example builds a bundle and evaluates it with the stock SDK and hostBuiltins() from the package',
  async (t) => {
    const { code, expected } = await readmeExample();
    t.ok(code.split('\n').filter((l) => l.trim() !== '').length <= 12, 'the example stays about ten lines');
    t.match(code, /from 'imagegate'/, 'it imports the package by name');
    const { stdout } = await runConsumer({ script: code, teardown: (fn) => t.teardown(fn) });
    t.equal(stdout.trim(), expected);
  },
);
