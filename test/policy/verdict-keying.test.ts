import t from 'tap';
import { ask, bundleOf, decide, decider, digestPolicy, DIGEST_A } from '../fixtures/verdicts.js';
import { recordedInputPaths } from '../../src/policy/internal.js';

const digestBundle = await bundleOf(digestPolicy);

t.test('an evaluation that reads the clock (time.now_ns) is never cached', async (t) => {
  const r = (uid: string) => ask({ uid, images: [{ image: 'registry.example.com/app:1', digest: DIGEST_A }] });
  const clocked = await decider(
    await bundleOf(`package imagegate

import rego.v1

decision := {"violations": [], "warnings": [sprintf("%d", [time.now_ns()])]}
`),
  );
  const first = await decide(clocked, r('u1'));
  const second = await decide(clocked, r('u2'));
  t.equal(clocked.status().evaluations, 2);
  t.not(JSON.stringify(first), JSON.stringify(second), 'each answer has its own time');
});

t.test('a bundle without the record is keyed on the whole input except request.uid', async (t) => {
  const recorded = digestBundle;
  const { revision, roots, wasm } = recorded.manifest;
  const d = await decider({ ...recorded, manifest: { revision, roots, wasm } });
  t.match(d.verdictKeying, { kind: 'whole-input', reason: /no metadata.imagegate.input_paths/ });
  const r = (uid: string, image: string) => ask({ uid, images: [{ image, digest: DIGEST_A }] });
  await decide(d, r('u1', 'registry.example.com/app:1'));
  await decide(d, r('u2', 'registry.example.com/app:1'));
  t.equal(d.status().evaluations, 1, 'a fresh uid still hits');
  await decide(d, r('u3', 'registry.example.com/app:2'));
  t.equal(d.status().evaluations, 2, 'any other change misses');

  const swapped = await bundleOf(digestPolicy.replace('"denied-digest"', '"x"'));
  t.match(recordedInputPaths({ manifest: recorded.manifest, wasm: swapped.wasm }), {
    kind: 'unrecorded',
    reason: /recorded for another policy.wasm/,
  });
});

t.test('a policy that reads input.request.uid by name is not cached', async (t) => {
  const d = await decider(
    await bundleOf(`package imagegate

import rego.v1

decision := {"violations": [], "warnings": [input.request.uid]}
`),
  );
  t.match(d.verdictKeying, { kind: 'off', reason: /request.uid/ });
  const r = (uid: string) => ask({ uid, images: [{ image: 'registry.example.com/app:1', digest: DIGEST_A }] });
  t.same(await decide(d, r('u1')), { kind: 'allow', warnings: ['u1'] });
  t.same(await decide(d, r('u2')), { kind: 'allow', warnings: ['u2'] });
});
