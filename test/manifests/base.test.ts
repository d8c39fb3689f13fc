/**
 * manifests/base rendered by kubectl (kustomize): every safety property of issue 15, the policy
 * bundle ConfigMap equal to policies/, and the rendered config and bundle serving a decision.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import t from 'tap';
import { runCertsCommand } from '../../src/certs/index.js';
import { loadPolicySources, readBundle } from '../../src/policy/index.js';
import { kubectlsOrSkip, renderKustomization } from '../fixtures/kustomize.js';
import { podCase, review } from '../fixtures/reviews.js';
import { repoRoot } from '../fixtures/shared.js';
import { at, objAt } from './objects.js';
import { checkSafety, container } from './safety.js';
import { caBundles, mountedFile, renderedConfig, stageWebhook } from './stage.js';

const BASE = join(repoRoot, 'manifests', 'base');
const REGENERATE = 'run `npm run manifests:bundle` and commit manifests/base/policy/bundle.tar.gz';

for (const kubectl of kubectlsOrSkip()) {
  t.test(`base rendered by ${kubectl}`, async (t) => {
    const objects = await renderKustomization(kubectl, BASE);

    t.test('every safety property holds', async (t) => {
      checkSafety(t, objects);
      t.same(caBundles(objects), [undefined, undefined], 'no caBundle in the base: an overlay sets it');
      t.equal(at(container(objects), 'image'), 'ghcr.io/imagegate/imagegate:0.1.0');
    });

    t.test('the config the pod reads is valid and points at the mounted TLS secret and bundle', async (t) => {
      const config = renderedConfig(objects);
      const tls = config.server.tls;
      for (const [file, key] of [
        [tls.certFile, 'tls.crt'],
        [tls.keyFile, 'tls.key'],
      ] as const) {
        const mounted = mountedFile(objects, file ?? '');
        t.equal(
          at(mounted.volume, 'secret', 'secretName'),
          'imagegate-tls',
          `${key} comes from the imagegate-tls Secret`,
        );
        t.equal(file?.endsWith(`/${key}`), true, `${key}: the key name of a kubernetes.io/tls Secret`);
      }
      t.equal(config.server.port, 8443, 'listens on the container port');
      t.equal(config.admission.failurePolicy, 'Fail');
      t.equal(config.policy.evaluators, 2, 'evaluators match the CPU limit');
      t.equal(at(container(objects), 'resources', 'limits', 'cpu'), '2');
      const bundle = mountedFile(objects, config.policy.bundle ?? '');
      t.equal(at(bundle.source, 'metadata', 'name'), 'imagegate-policy');
      t.ok(bundle.bytes !== undefined && bundle.bytes.length > 0, 'the bundle is in the ConfigMap');
    });

    t.test(`the bundle ConfigMap is policies/ compiled (else ${REGENERATE})`, async (t) => {
      const bytes = mountedFile(objects, renderedConfig(objects).policy.bundle ?? '').bytes ?? Buffer.alloc(0);
      const bundle = await readBundle({ bytes, source: 'imagegate-policy ConfigMap' });
      const sources = await loadPolicySources([join(repoRoot, 'policies')]);
      const shipped = new Map(sources.modules.map((m) => [relative(repoRoot, m.file), m.text]));
      const inBundle = new Map(
        [...bundle.files]
          .filter(([path]) => path.endsWith('.rego'))
          .map(([path, b]) => [path, Buffer.from(b).toString('utf8')]),
      );
      t.same([...inBundle.keys()].sort(), [...shipped.keys()].sort(), `the same Rego files (${REGENERATE})`);
      for (const [path, text] of shipped) t.equal(inBundle.get(path), text, `${path} is current (${REGENERATE})`);
      t.same(bundle.data, sources.data, `the same data (${REGENERATE})`);
      t.same(
        bundle.manifest.wasm.map((w) => w.entrypoint),
        ['imagegate/decision'],
      );
    });

    t.test('served as the pod would, the base denies every image until trusted registries are set', async (t) => {
      const dir = t.testdir();
      const certs = join(dir, 'certs');
      await runCertsCommand({ service: 'imagegate', namespace: 'imagegate', out: certs, stdout: () => undefined });
      const caBundle = Buffer.from(await readFile(join(certs, 'ca.crt'))).toString('base64');
      const webhook = await stageWebhook({ objects, certsDir: certs, caBundle });
      t.teardown(() => webhook.close());
      const res = await webhook.review('/validate', review(podCase));
      t.equal(res.status, 200);
      const response = objAt(res.json, 'response');
      t.equal(response.allowed, false);
      t.match(at(response, 'status', 'message'), /trusted-registries/);
    });
  });
}
