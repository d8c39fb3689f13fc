import t from 'tap';
import { performance } from 'node:perf_hooks';
import { createBundleDecider } from '../../src/policy/internal.js';
import { compileEntrypoints } from '../../src/rego/index.js';
import { parseAdmissionReview, extractImages } from '../../src/admission/internal.js';
import { parseImageReference } from '../../src/images/internal.js';
import { podCase, review } from '../fixtures/reviews.js';

const policy = `package imagegate

import rego.v1

decision := {"violations": slow, "warnings": []} if input.images[0].image == "registry.example.com/slow:1"

decision := {"violations": [], "warnings": ["fast"]} if input.images[0].image == "registry.example.com/fast:1"

decision := {"violations": [], "warnings": []} if {
	input.images[0].image == "registry.example.com/conflict:1"
	x := 1
	x == 2
}

decision := 1 if input.images[0].image == "registry.example.com/conflict:1"

decision := 2 if input.images[0].image == "registry.example.com/conflict:1"

# About 10^10 steps: never finishes within any admission deadline.
slow := [v | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); i * j == -1; v := {}]
`;

function ask(image: string) {
  const request = parseAdmissionReview(
    review(podCase, { object: podCase.wrap({ containers: [{ name: 'app', image }] }) }),
  );
  const images = extractImages({ kind: request.kind, object: request.object }).map((site) => ({
    site,
    ref: parseImageReference(site.image),
  }));
  return { request, images };
}

const wasm = compileEntrypoints({
  sources: [{ file: 'slow.rego', text: policy }],
  entrypoints: ['imagegate/decision'],
});
const bundle = {
  manifest: { revision: 't', roots: [''], wasm: [{ entrypoint: 'imagegate/decision', module: '/policy.wasm' }] },
  wasm,
  data: {},
  files: new Map(),
};

t.test('a runaway evaluation is stopped at the deadline and the next decision still works', async (t) => {
  const decider = await createBundleDecider({ bundle, entrypoint: 'imagegate/decision', source: 'slow.rego' });
  t.teardown(() => decider.close());
  t.same(await decider.decide({ ...ask('registry.example.com/fast:1'), signal: AbortSignal.timeout(10_000) }), {
    kind: 'allow',
    warnings: ['fast'],
  });

  const started = performance.now();
  const slow = await decider.decide({ ...ask('registry.example.com/slow:1'), signal: AbortSignal.timeout(300) });
  const took = performance.now() - started;
  t.match(slow, {
    kind: 'undecided',
    error: { code: 'IMAGEGATE_POLICY_EVALUATION_FAILED', message: /no verdict within the review deadline/ },
  });
  t.ok(took < 10_000, `the caller got its answer without waiting for the policy (${Math.round(took)} ms)`);

  t.same(
    await decider.decide({ ...ask('registry.example.com/fast:1'), signal: AbortSignal.timeout(10_000) }),
    { kind: 'allow', warnings: ['fast'] },
    'a fresh evaluator answers the next review',
  );
});

t.test('evaluation errors (a conflict) are undecided with the reason', async (t) => {
  const decider = await createBundleDecider({ bundle, entrypoint: 'imagegate/decision', source: 'slow.rego' });
  t.teardown(() => decider.close());
  t.match(await decider.decide({ ...ask('registry.example.com/conflict:1'), signal: AbortSignal.timeout(10_000) }), {
    kind: 'undecided',
    error: { code: 'IMAGEGATE_POLICY_EVALUATION_FAILED', message: /conflict/ },
  });
});

t.test('a module the SDK cannot load fails at start-up', async (t) => {
  await t.rejects(
    createBundleDecider({
      bundle: { ...bundle, wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]) },
      entrypoint: 'imagegate/decision',
      source: 'broken.tar.gz',
    }),
    { code: 'IMAGEGATE_POLICY_LOAD_FAILED', message: /broken\.tar\.gz\/policy\.wasm/ },
  );
});
