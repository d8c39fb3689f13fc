/**
 * Signatures on a registry the webhook has no credentials for are read with the pod's own pull
 * secret, as its tag is resolved: the facts stage hands the review's pull credentials to the source.
 */
import t from 'tap';
import { validateRequest, type Decider, type ImageUnderReview } from '../../src/admission/index.js';
import { summariseReview } from '../../src/admission/internal.js';
import { createFactGatherer } from '../../src/facts/internal.js';
import { validateConfig } from '../../src/config/internal.js';
import { createSignatureSource } from '../../src/signatures/index.js';
import { buildImage, startRegistry } from '../fixtures/registry/index.js';
import { podCase, review } from '../fixtures/reviews.js';
import { pullSecretPinner } from '../facts/pull-secret.js';
import { longSignal } from '../registry/helpers.js';
import { cosignTag, signatureLayer, signatureManifest, testSigner } from '../fixtures/signatures/cosign.js';

t.test("signatures are read with the pod's pull secret, and refused without it", async (t) => {
  const reg = await startRegistry();
  t.teardown(() => reg.close());
  const app = buildImage({ content: 'signed behind a pull secret' });
  await reg.push('team/app', '1', app);
  const digest = app.manifest.digest;
  const signer = testSigner('p256');
  const layer = signatureLayer({ signer, repository: `${reg.host}/team/app`, digest, rekor: null });
  await reg.push('team/app', cosignTag(digest, '.sig'), signatureManifest([layer]));

  const { pinner } = await pullSecretPinner(t, reg);
  const { signatures: config } = validateConfig({
    value: {
      signatures: {
        cacheTtlMs: 0,
        policies: [
          {
            repositories: [`${reg.host}/team`],
            tlog: 'ignore',
            authorities: [{ name: 'ci', key: { pem: signer.files.publicPem } }],
          },
        ],
      },
    },
    source: 'test',
  });
  const source = createSignatureSource({ config, artifacts: pinner.resolver.artifacts });
  const gatherer = createFactGatherer({ registry: pinner, sources: [source] });
  const fact = async (pod: Record<string, unknown>): Promise<unknown> => {
    const asked: (readonly ImageUnderReview[])[] = [];
    const decider: Decider = {
      decide: async ({ images }) => {
        asked.push(images);
        return { kind: 'allow', warnings: [] };
      },
    };
    const object = podCase.wrap({ ...pod, containers: [{ name: 'app', image: `${reg.host}/team/app@${digest}` }] });
    const bytes = Buffer.from(JSON.stringify(review(podCase, { object })));
    await validateRequest({
      summary: summariseReview({ bytes, limits: { maxDepth: 64, maxImages: 100 } }),
      deps: { decider, failurePolicy: 'Fail', gatherer },
      signal: longSignal(),
    });
    return asked[0]?.[0]?.facts?.facts.signatures;
  };
  t.match(await fact({ imagePullSecrets: [{ name: 'regcred' }] }), {
    required: true,
    satisfied: true,
    verified: [{ authority: 'ci', kind: 'key' }],
  });
  t.match(await fact({}), { error: { code: 'IMAGEGATE_REGISTRY_UNAUTHORIZED' } }, 'without the secret: refused');
});
