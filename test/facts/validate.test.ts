/**
 * How /validate (validateRequest) uses the facts stage: what the decider receives, the pod's pull
 * secrets for resolution, and that a broken or late facts stage undecides instead of allowing.
 */
import t from 'tap';
import { validateRequest, type Decider, type FactGatherer, type ImageUnderReview } from '../../src/admission/index.js';
import { summariseReview } from '../../src/admission/internal.js';
import { createRegistryPinner } from '../../src/registry/index.js';
import { createFactGatherer } from '../../src/facts/internal.js';
import { policyInput } from '../../src/policy/internal.js';
import { buildImage, startRegistry } from '../fixtures/registry/index.js';
import { podCase, review } from '../fixtures/reviews.js';
import { pullSecretPinner } from './pull-secret.js';
import { longSignal, registriesConfig } from '../registry/helpers.js';

/** A decider that allows and keeps what it was asked. */
function recorder() {
  const asked: { images: readonly ImageUnderReview[]; evidenceRevision: string | undefined }[] = [];
  const decider: Decider = {
    decide: async ({ images, evidenceRevision }) => {
      asked.push({ images, evidenceRevision });
      return { kind: 'allow', warnings: [] };
    },
  };
  return { decider, asked };
}

function summary(images: readonly string[], pod: Record<string, unknown> = {}) {
  const object = podCase.wrap({ ...pod, containers: images.map((image, i) => ({ name: `c${i}`, image })) });
  const bytes = Buffer.from(JSON.stringify(review(podCase, { object })));
  return summariseReview({ bytes, limits: { maxDepth: 64, maxImages: 100 } });
}

/** A signal aborted after `ms` by a referenced timer (AbortSignal.timeout's is unreferenced and may be collected). */
function deadline(ms: number): AbortSignal {
  const c = new AbortController();
  setTimeout(() => c.abort(new Error(`test deadline of ${ms} ms`)), ms);
  return c.signal;
}

const D = `sha256:${'d'.repeat(64)}`;

t.test('the decider gets every image with its facts, and the evidence revision', async (t) => {
  const pinner = createRegistryPinner({ registries: registriesConfig({ hosts: [] }) });
  t.teardown(() => pinner.close());
  const gatherer = createFactGatherer({
    registry: pinner,
    sources: [
      { name: 'grade', revision: 'g1', ttlMs: 1_000, lookup: async ({ digest }) => ({ value: { of: digest } }) },
    ],
  });
  const { decider, asked } = recorder();
  const out = await validateRequest({
    summary: summary([`registry.example.com/app@${D}`, 'evil.example.com/app:1', 'Not A Reference']),
    deps: { decider, failurePolicy: 'Fail', gatherer },
    signal: longSignal(),
  });
  t.equal(out.kind, 'denied', 'the invalid reference is still denied, before any lookup');
  const [call] = asked;
  t.equal(call?.evidenceRevision, '[["grade","g1"]]');
  t.same(
    call?.images.map((i) => [i.site.container, i.facts?.digest, i.facts?.resolutionError?.code]),
    [
      ['c0', D, undefined],
      ['c1', undefined, 'IMAGEGATE_REGISTRY_UNTRUSTED'],
    ],
  );
  const input = policyInput({ request: summary([]).request, images: call?.images ?? [] });
  t.match(input.images[0], { digest: D, facts: { grade: { of: D } } });
  t.notOk(input.images[0] !== undefined && 'resolvedFrom' in input.images[0]);
  t.match(input.images[1], {
    resolvedFrom: '1',
    digestError: { code: 'IMAGEGATE_REGISTRY_UNTRUSTED' },
    facts: { grade: { error: { code: 'IMAGEGATE_REGISTRY_UNTRUSTED' } } },
  });
  t.notOk(input.images[1] !== undefined && 'digest' in input.images[1]);
});

t.test('without a gatherer the policy input is as before: no digest, no facts', async (t) => {
  const { decider, asked } = recorder();
  await validateRequest({
    summary: summary([`registry.example.com/app:1@${D}`]),
    deps: { decider, failurePolicy: 'Fail' },
    signal: longSignal(),
  });
  t.equal(asked[0]?.evidenceRevision, undefined);
  const input = policyInput({ request: summary([]).request, images: asked[0]?.images ?? [] });
  t.same(Object.keys(input.images[0] ?? {}).sort(), ['container', 'field', 'image', 'pointer', 'reference']);
});

t.test('a facts stage that throws, answers short or misses the deadline undecides, never allows', async (t) => {
  const gatherers: [string, FactGatherer, AbortSignal, RegExp][] = [
    [
      'throws',
      { revision: '', gather: () => Promise.reject(new Error('bug')) },
      longSignal(),
      /IMAGEGATE_INTERNAL.*fact gathering failed: bug/,
    ],
    ['short', { revision: '', gather: async () => [] }, longSignal(), /IMAGEGATE_INTERNAL.*answered for 0 of 1 images/],
    [
      'late',
      { revision: '', gather: () => new Promise(() => undefined) },
      deadline(50),
      /IMAGEGATE_DEADLINE_EXCEEDED.*fact gathering did not finish/,
    ],
  ];
  for (const [name, gatherer, signal, why] of gatherers) {
    const { decider, asked } = recorder();
    const deps = { decider, gatherer };
    const fail = await validateRequest({
      summary: summary(['registry.example.com/app:1']),
      deps: { ...deps, failurePolicy: 'Fail' },
      signal,
    });
    t.equal(fail.kind, 'undecided-denied', `${name}: denied under Fail`);
    t.match(fail.kind === 'undecided-denied' ? fail.status.message : '', why);
    t.same(asked, [], `${name}: the policy never ran on missing facts`);
    const ignore = await validateRequest({
      summary: summary(['registry.example.com/app:1']),
      deps: { ...deps, failurePolicy: 'Ignore' },
      signal: name === 'late' ? deadline(50) : signal,
    });
    t.equal(ignore.kind, 'undecided-admitted', `${name}: admitted with a warning only under Ignore`);
  }
});

t.test("/validate resolves tags with the pod's own pull secrets", async (t) => {
  const reg = await startRegistry();
  t.teardown(() => reg.close());
  const app = buildImage({ content: 'validate pull secret' });
  await reg.push('team/app', '1', app);
  const { pinner } = await pullSecretPinner(t, reg);
  const gatherer = createFactGatherer({ registry: pinner, sources: [] });
  const image = `${reg.host}/team/app:1`;
  const judged = async (pod: Record<string, unknown>) => {
    const { decider, asked } = recorder();
    await validateRequest({
      summary: summary([image], pod),
      deps: { decider, failurePolicy: 'Fail', gatherer },
      signal: longSignal(),
    });
    const facts = asked[0]?.images[0]?.facts;
    return facts?.digest ?? facts?.resolutionError?.code;
  };
  t.equal(await judged({ imagePullSecrets: [{ name: 'regcred' }] }), app.manifest.digest);
  t.equal(await judged({}), 'IMAGEGATE_REGISTRY_UNAUTHORIZED', 'without the secret the registry refuses');
});
