import t from 'tap';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileBundle, loadDecider } from '../../src/policy/index.js';
import { defaultConfig } from '../../src/config/index.js';
import { ask, decide, digestPolicy, DIGEST_A } from '../fixtures/verdicts.js';

t.test('a changed policy.data or bundle is applied to the very next review', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-verdicts-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'bundle.tar.gz');
  const built = await compileBundle({
    sources: [{ file: 'p.rego', text: digestPolicy }],
    data: { denied: [] },
    revision: 'same',
  });
  await writeFile(file, built.bytes);
  const review1 = ask({ uid: 'u1', images: [{ image: 'registry.example.com/app:1', digest: DIGEST_A }] });
  const policy = { ...defaultConfig.policy, bundle: file, evaluators: 1 };
  const before = await loadDecider({ policy });
  t.teardown(() => before.close());
  t.same(await decide(before, review1), { kind: 'allow', warnings: ['team-a'] });
  const after = await loadDecider({ policy: { ...policy, data: { denied: [DIGEST_A] } } });
  t.teardown(() => after.close());
  t.match(await decide(after, { ...review1, request: { ...review1.request, uid: 'u2' } }), { kind: 'deny' });

  // Same revision string, another policy: the wasm hash tells them apart.
  await writeFile(
    file,
    (
      await compileBundle({
        sources: [{ file: 'p.rego', text: digestPolicy.replace('"denied-digest"', '"other-rule"') }],
        data: { denied: [DIGEST_A] },
        revision: 'same',
      })
    ).bytes,
  );
  const rebuilt = await loadDecider({ policy: { ...policy, data: { denied: [DIGEST_A] } } });
  t.teardown(() => rebuilt.close());
  t.match(await decide(rebuilt, review1), { kind: 'deny', violations: [{ rule: 'other-rule' }] });
});
