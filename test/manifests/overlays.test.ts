/**
 * The example and rollout overlays rendered by kubectl: the base's safety properties survive
 * them, and the install steps of the README work end to end: `imagegate certs
 * --patch-manifests` on a copy of the overlay, render, and the webhook, started from the
 * rendered config and bundle, is trusted through the rendered caBundle and decides by the
 * overlay's trusted registries.
 */
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runCertsCommand } from '../../src/certs/index.js';
import { trustedRepositories } from '../../src/config/index.js';
import { kubectlsOrSkip, renderKustomization } from '../fixtures/kustomize.js';
import { podCase, review } from '../fixtures/reviews.js';
import { repoRoot } from '../fixtures/shared.js';
import { at, listAt, objAt, one } from './objects.js';
import { EXCLUDED, checkSafety, container } from './safety.js';
import { caBundles, renderedConfig, stageWebhook } from './stage.js';

const MANIFESTS = join(repoRoot, 'manifests');
const PLACEHOLDER = 'RUN-imagegate-certs--patch-manifests';

function pod(image: string): unknown {
  return review(podCase, { object: podCase.wrap({ containers: [{ name: 'app', image }] }) });
}

for (const kubectl of kubectlsOrSkip()) {
  t.test(`overlays rendered by ${kubectl}`, async (t) => {
    t.test('example: safe, with its image, config and the caBundle placeholder', async (t) => {
      const objects = await renderKustomization(kubectl, join(MANIFESTS, 'overlays', 'example'));
      checkSafety(t, objects);
      t.equal(at(container(objects), 'image'), 'registry.example.com/platform/imagegate:0.1.0');
      t.same(caBundles(objects), [PLACEHOLDER, PLACEHOLDER], 'not base64 until `imagegate certs` writes it');
      const config = renderedConfig(objects);
      t.same(trustedRepositories(config), ['registry.example.com/platform', 'registry.example.com/team-a']);
      t.equal(at(container(objects), 'resources', 'requests', 'cpu'), '500m', 'the overlay patch applies');
      t.equal(at(container(objects), 'resources', 'limits', 'memory'), '768Mi', 'and keeps the base limits');
      t.equal(at(one(objects, 'HorizontalPodAutoscaler'), 'spec', 'maxReplicas'), 10);
    });

    t.test('rollout: validate only in opted-in namespaces, exclusions kept; mutate everywhere', async (t) => {
      const objects = await renderKustomization(kubectl, join(MANIFESTS, 'overlays', 'rollout'));
      checkSafety(t, objects);
      const expressions = (kind: string) =>
        listAt(objAt(listAt(one(objects, kind), 'webhooks'), 0), 'namespaceSelector', 'matchExpressions');
      t.same(expressions('ValidatingWebhookConfiguration'), [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: EXCLUDED },
        { key: 'imagegate.dev/enforce', operator: 'In', values: ['true'] },
      ]);
      t.same(expressions('MutatingWebhookConfiguration'), [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: EXCLUDED },
      ]);
    });

    t.test('install: certs patch the overlay copy; the rendered webhook is trusted and decides', async (t) => {
      const dir = t.testdir();
      const copy = join(dir, 'manifests');
      await cp(MANIFESTS, copy, { recursive: true });
      const certs = join(dir, 'certs');
      await runCertsCommand({
        service: 'imagegate',
        namespace: 'imagegate',
        out: certs,
        patchManifests: [join(copy, 'overlays', 'example', 'webhooks-ca.yaml')],
        stdout: () => undefined,
      });
      const caPem = await readFile(join(certs, 'ca.crt'));
      const objects = await renderKustomization(kubectl, join(copy, 'overlays', 'example'));
      const expected = caPem.toString('base64');
      t.same(caBundles(objects), [expected, expected], 'both webhooks carry the new CA');

      const webhook = await stageWebhook({ objects, certsDir: certs, caBundle: expected });
      t.teardown(() => webhook.close());
      const admitted = await webhook.review('/validate', pod('registry.example.com/team-a/app:1.2'));
      t.equal(at(admitted.json, 'response', 'allowed'), true, 'an image under a trusted registry is admitted');
      const denied = await webhook.review('/validate', pod('docker.io/library/nginx:1.27'));
      t.equal(at(denied.json, 'response', 'allowed'), false, 'another is denied');
      t.match(at(denied.json, 'response', 'status', 'message'), /trusted-registries/);
    });
  });
}
