/**
 * Issue 14's Must-show for the shipped rules: for each of trusted-registries, tag-hygiene,
 * mirrors, health-grade and signatures, one admission allowed and one denied end to end: a config
 * file, the parts `imagegate serve` builds from it (buildServeParts: the shipped bundle with
 * policyDataOf's data, the pinner, the fact sources), the real HTTPS webhook, the real test
 * registry (docker-registry over TLS with basic auth), /mutate then /validate as the API server
 * calls them. Each denial's status.message is asserted whole, in the format of the issue 14
 * contract §1 (object line, then one line per violation with the field path).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { cosignTag, signatureLayer, signatureManifest, testSigner } from '../fixtures/signatures/cosign.js';
import { kindCases, podCase, type KindCase } from '../fixtures/reviews.js';
import { serveWebhook } from '../fixtures/serve-webhook.js';

const reg = await startRegistry();
t.teardown(() => reg.close());
const H = reg.host;
const dir = await mkdtemp(join(tmpdir(), 'imagegate-shipped-e2e-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const deployment: KindCase =
  kindCases.find((k) => k.kind === 'Deployment') ??
  (() => {
    throw new Error('no Deployment case');
  })();

/** Pushes a distinct image under each `repo:tag` given and returns its digest. */
async function image(content: string, ...at: readonly (readonly [string, string])[]): Promise<string> {
  const built = buildImage({ content });
  for (const [repo, tag] of at) await reg.push(repo, tag, built);
  return built.manifest.digest;
}

const APP = await image('app 1', ['team/app', '1'], ['team/app', 'latest']);
const NGINX = await image('nginx 1.27', ['team/mirror/nginx', '1.27'], ['team/hub/nginx', '1.27']);
const SIGNED = await image('signed 1', ['team/signed/app', '1']);
const UNSIGNED = await image('unsigned 1', ['team/signed/other', '1']);
const GRADE_A = await image('graded a', ['team/graded', '1']);
const GRADE_D = await image('graded d', ['team/worn', '1']);

const release = testSigner('p256');
await reg.push(
  'team/signed/app',
  cosignTag(SIGNED, '.sig'),
  signatureManifest([
    signatureLayer({ signer: release, repository: `${H}/team/signed/app`, digest: SIGNED, rekor: null }),
  ]),
);

const registries = {
  hosts: [
    {
      host: H,
      caFile: reg.caFile,
      credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
      repositories: ['team'],
    },
  ],
  mirrors: [
    { from: `${H}/upstream`, to: `${H}/team/mirror` },
    { from: `${H}/hub`, to: `${H}/team/hub`, rewrite: true },
  ],
};
const main = await serveWebhook(t, {
  dir,
  config: {
    policy: { evaluators: 1 },
    registries,
    signatures: {
      policies: [
        {
          repositories: [`${H}/team/signed`],
          authorities: [{ name: 'release', key: { pem: release.files.publicPem } }],
          tlog: 'ignore',
        },
      ],
    },
  },
});

const pod = (image: string) => podCase.wrap({ containers: [{ name: 'app', image }] });

t.test('trusted-registries', async (t) => {
  const allowed = await main.webhook.admit(
    deployment,
    deployment.wrap({
      initContainers: [{ name: 'init', image: `${H}/team/app:1` }],
      containers: [{ name: 'app', image: `${H}/team/app:1` }],
    }),
  );
  t.same(allowed.answer, { allowed: true, code: 0, message: '', warnings: [] }, 'under registries.hosts: admitted');

  const denied = await main.webhook.admit(
    deployment,
    deployment.wrap({
      initContainers: [{ name: 'init', image: `${H}/other/app:1` }],
      containers: [{ name: 'app', image: `${H}/team/app:1` }],
    }),
  );
  t.equal(denied.answer.code, 403);
  t.equal(
    denied.answer.message,
    [
      'imagegate denied Deployment "team-a/web" (1 violation):',
      `- spec.template.spec.initContainers[0] (container "init"): image "${H}/other/app:1" (digest unresolved): trusted-registries: ${H}/other/app is not in the trusted registries (registries.hosts); fix: use an image under one of: ${H}/team`,
    ].join('\n'),
  );
  // Clipped to 120 characters like every warning; the reason begins with the refusal, before any request.
  t.match(
    denied.mutateWarnings,
    [new RegExp(`^container "init" not pinned: registry ${H}: ${H}/other/app is not under its trusted repositories`)],
    '/mutate refuses it as outside registries.hosts',
  );
});

t.test('tag-hygiene', async (t) => {
  const allowed = await main.webhook.admit(podCase, pod(`${H}/team/app:1`));
  t.equal(allowed.object.spec && JSON.stringify(allowed.object.spec).includes(`${H}/team/app:1@${APP}`), true);
  t.ok(allowed.answer.allowed, 'a version tag, pinned by /mutate: admitted');

  const denied = await main.webhook.admit(podCase, pod(`${H}/team/app:latest`));
  t.equal(
    denied.answer.message,
    [
      'imagegate denied Pod "team-a/web" (1 violation):',
      `- spec.containers[0] (container "app"): image "${H}/team/app:latest@${APP}" judged ${H}/team/app@${APP}: tag-hygiene: the tag "latest" names no version: it moves with every push; fix: write a version tag (${H}/team/app:<version>) or a digest (${H}/team/app@sha256:<digest>)`,
    ].join('\n'),
    'latest is denied even once /mutate pinned it',
  );
});

t.test('mirrors', async (t) => {
  const rewritten = await main.webhook.admit(podCase, pod(`${H}/hub/nginx:1.27`));
  t.same(rewritten.object.spec, { containers: [{ name: 'app', image: `${H}/team/hub/nginx:1.27@${NGINX}` }] });
  t.ok(rewritten.answer.allowed, 'rewrite: true: /mutate moved it to the mirror, pinned there, and it is admitted');
  const digested = await main.webhook.admit(podCase, pod(`${H}/hub/nginx@${NGINX}`));
  t.same(digested.object.spec, { containers: [{ name: 'app', image: `${H}/team/hub/nginx@${NGINX}` }] });
  t.ok(digested.answer.allowed, 'a written digest is moved to the mirror as it is');

  const upstream = await main.webhook.admit(podCase, pod(`${H}/upstream/nginx:1.27`));
  t.equal(
    upstream.answer.message,
    [
      'imagegate denied Pod "team-a/web" (2 violations):',
      `- spec.containers[0] (container "app"): image "${H}/upstream/nginx:1.27@${NGINX}" judged ${H}/upstream/nginx@${NGINX}: mirrors: ${H}/upstream/nginx is mirrored at ${H}/team/mirror (registries.mirrors): pull it from there; fix: use ${H}/team/mirror/nginx:1.27@${NGINX}`,
      `- spec.containers[0] (container "app"): image "${H}/upstream/nginx:1.27@${NGINX}" judged ${H}/upstream/nginx@${NGINX}: trusted-registries: ${H}/upstream/nginx is not in the trusted registries (registries.hosts); fix: use an image under one of: ${H}/team`,
    ].join('\n'),
    'without rewrite, the upstream image is denied naming the mirror image (pinned at the mirror by /mutate)',
  );

  const missedByMutate = await main.webhook.validate(podCase, pod(`${H}/hub/nginx:1.27`));
  t.equal(
    missedByMutate.message,
    [
      'imagegate denied Pod "team-a/web" (2 violations):',
      `- spec.containers[0] (container "app"): image "${H}/hub/nginx:1.27" judged ${H}/hub/nginx@${NGINX}: mirrors: ${H}/hub/nginx is mirrored at ${H}/team/hub (registries.mirrors): /mutate rewrites it there when it can pin it at the mirror, and did not for this object; fix: use ${H}/team/hub/nginx:1.27`,
      `- spec.containers[0] (container "app"): image "${H}/hub/nginx:1.27" judged ${H}/hub/nginx@${NGINX}: trusted-registries: ${H}/hub/nginx is not in the trusted registries (registries.hosts); fix: use an image under one of: ${H}/team`,
    ].join('\n'),
    'rewrite: true, but created while /mutate was down: still denied',
  );
});

t.test('signatures', async (t) => {
  const allowed = await main.webhook.admit(podCase, pod(`${H}/team/signed/app:1`));
  t.ok(allowed.answer.allowed, 'signed by the release key: admitted');

  const denied = await main.webhook.admit(podCase, pod(`${H}/team/signed/other:1`));
  t.equal(
    denied.answer.message,
    [
      'imagegate denied Pod "team-a/web" (1 violation):',
      `- spec.containers[0] (container "app"): image "${H}/team/signed/other:1@${UNSIGNED}" judged ${H}/team/signed/other@${UNSIGNED}: signatures: ${H}/team/signed/other@${UNSIGNED} is not signed as required for ${H}/team/signed: not signed: no signature is stored for ${UNSIGNED}; fix: sign ${H}/team/signed/other@${UNSIGNED} with an authority of the signatures policy for ${H}/team/signed (cosign sign --key …, or keyless in CI), or deploy a digest that is signed`,
    ].join('\n'),
  );
});

t.test('health-grade', async (t) => {
  const grades = join(dir, 'grades.yaml');
  await writeFile(grades, JSON.stringify({ digests: { [GRADE_A]: 'A', [GRADE_D]: 'D' } }));
  const graded = await serveWebhook(t, {
    dir,
    config: {
      policy: { evaluators: 1 },
      registries,
      health: { sources: [{ kind: 'static', file: grades, repositories: [`${H}/team`] }] },
    },
  });
  const allowed = await graded.webhook.admit(podCase, pod(`${H}/team/graded:1`));
  t.ok(allowed.answer.allowed, 'grade A: admitted');

  const denied = await graded.webhook.admit(podCase, pod(`${H}/team/worn:1`));
  t.equal(
    denied.answer.message,
    [
      'imagegate denied Pod "team-a/web" (1 violation):',
      `- spec.containers[0] (container "app"): image "${H}/team/worn:1@${GRADE_D}" judged ${H}/team/worn@${GRADE_D}: health-grade: ${H}/team/worn has health grade D, below the minimum B (graded by static); fix: rebuild the image on a newer base image: a grade only gets worse until a new image is built`,
    ].join('\n'),
  );
});

t.test('tags.requireDigest: a tag alone is denied when /mutate did not pin it, naming the digest to pin', async (t) => {
  const strict = await serveWebhook(t, {
    dir,
    config: { policy: { evaluators: 1 }, registries, tags: { requireDigest: true } },
  });
  t.ok((await strict.webhook.admit(podCase, pod(`${H}/team/app:1`))).answer.allowed, 'pinned by /mutate: admitted');
  const unpinned = await strict.webhook.validate(podCase, pod(`${H}/team/app:1`));
  t.equal(
    unpinned.message,
    [
      'imagegate denied Pod "team-a/web" (1 violation):',
      `- spec.containers[0] (container "app"): image "${H}/team/app:1" judged ${H}/team/app@${APP}: tag-hygiene: no digest, and tags.requireDigest is on: only a digest names one build; fix: pin it: ${H}/team/app:1@${APP} (imagegate's /mutate does when it can reach the registry)`,
    ].join('\n'),
  );
});
