/**
 * policy.dir: a directory of .rego and data files compiled at start-up in the compiler process.
 * The decisions are the directory's; compile errors stop start-up with the compiler's code and
 * a location named from the directory's parent; the test modules are left out.
 */
import t, { type Test } from 'tap';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podCase, review } from '../fixtures/reviews.js';
import { reviewResponse, startTestServer } from '../fixtures/server.js';
import { loadDecider } from '../../src/policy/index.js';
import { defaultConfig } from '../../src/config/index.js';

const DECISION = `package imagegate

import rego.v1

decision := {"violations": [v | some img in input.images; not startswith(img.image, data.prefix); v := {
	"container": img.container, "image": img.image, "rule": "prefix",
	"message": sprintf("%s is not under %s", [img.image, data.prefix]), "fix": "use the prefix",
}]}
`;

async function policyDir(t: Test, files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'imagegate-dir-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'mypolicies');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

t.test('the directory is compiled at start-up and decides reviews', async (t) => {
  const dir = await policyDir(t, {
    'decision.rego': DECISION,
    'data.json': JSON.stringify({ prefix: 'registry.example.com/' }),
    // A test module that would not compile for the webhook (it references a missing rule) is left out.
    'decision_test.rego': 'package imagegate\n\nimport rego.v1\n\ntest_x if data.imagegate.missing_rule\n',
  });
  const notes: string[] = [];
  const decider = await loadDecider({ policy: { ...defaultConfig.policy, dir }, note: (m) => notes.push(m) });
  t.teardown(() => decider.close());
  t.same(notes, [], 'no note: compiling a configured directory is what was asked');
  t.equal(decider.source, `${dir} (compiled at start-up)`);
  t.match(decider.revision, /^sha256:[0-9a-f]{64}$/);
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const pod = (image: string) => review(podCase, { object: podCase.wrap({ containers: [{ name: 'app', image }] }) });
  t.equal(reviewResponse((await srv.post('/validate', pod('registry.example.com/app:1'))).json).allowed, true);
  const denied = reviewResponse((await srv.post('/validate', pod('nginx:1'))).json);
  t.equal(denied.allowed, false);
  t.match(denied.status, { code: 403, message: /nginx:1 is not under registry\.example\.com\// });
});

t.test(
  'a directory that does not compile stops start-up with the Rego code and the file, row and column',
  async (t) => {
    const dir = await policyDir(t, { 'imagegate/decision.rego': 'package imagegate\n\ndecision := {\n' });
    await t.rejects(loadDecider({ policy: { ...defaultConfig.policy, dir } }), {
      code: 'IMAGEGATE_REGO_PARSE',
      message:
        /^compiling policy\.dir .*mypolicies: 1 error occurred: mypolicies\/imagegate\/decision\.rego:\d+:\d+: rego_parse_error: /,
    });
  },
);

t.test('a directory that does not exist stops start-up naming it', async (t) => {
  await t.rejects(loadDecider({ policy: { ...defaultConfig.policy, dir: '/nonexistent/policies' } }), {
    code: 'IMAGEGATE_POLICY_SOURCES_INVALID',
    message: /cannot read "\/nonexistent\/policies"/,
  });
});
