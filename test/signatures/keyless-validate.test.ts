/**
 * Keyless signatures through /validate (issue 12's Must-show): a real registry holding images and
 * what cosign stores for them when it signs keylessly (`.sig` layers with certificate, chain and
 * Rekor bundle annotations; `.att` DSSE attestations; cosign 3's v0.3 Sigstore bundles as OCI 1.1
 * referrers, found through the referrers tag-schema fallback since docker-registry has no
 * referrers API), signed by a test CA standing in for Fulcio with SCTs from a test CT log and
 * entries in a test Rekor log, all named by a trusted_root.json file in the config. The real HTTPS
 * webhook, the facts stage with the real signatures source and Sigstore verifier, the shipped
 * policies. Every denial's message is the one a developer reads.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { signaturesWebhook } from '../fixtures/signatures/webhook.js';
import { validateConfig } from '../../src/config/internal.js';
import {
  buildImage,
  buildMultiArch,
  startRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  type BuiltImage,
} from '../fixtures/registry/index.js';
import { createTestPki, issueLeaf, type Leaf, type LeafOptions } from '../fixtures/signatures/sigstore-pki.js';
import {
  IN_TOTO,
  inTotoStatement,
  keylessAttestationLayer,
  keylessLayer,
  makeBundle,
  simpleSigningPayload,
} from '../fixtures/signatures/sigstore-signer.js';
import {
  bundleReferrer,
  cosignSignatureImage,
  cosignTag,
  referrersFallbackIndex,
} from '../fixtures/signatures/sigstore-oci.js';
import type { CosignLayer } from '../../src/signatures/internal.js';

const reg = await startRegistry();
t.teardown(() => reg.close());
const H = reg.host;
const dir = await mkdtemp(join(tmpdir(), 'imagegate-keyless-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const pki = await createTestPki();
const rootFile = join(dir, 'trusted_root.json');
await writeFile(rootFile, pki.trustedRootJson);

const GITHUB = 'https://token.actions.githubusercontent.com';
const RELEASE = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const BUILD = 'https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main';
const SLSA = 'https://slsa.dev/provenance/v1';
const SPDX = 'https://spdx.dev/Document';
/** What cosign 3 signs for an image: an in-toto statement of this type, empty predicate. */
const COSIGN_SIGN = 'https://sigstore.dev/cosign/sign/v1';

const github = (subject: string, ref = 'refs/heads/main'): LeafOptions => ({
  issuer: GITHUB,
  subject,
  claims: { githubWorkflowRef: ref, githubWorkflowRepository: 'acme/app' },
});
const release = await issueLeaf(pki, github(RELEASE));
const build = await issueLeaf(pki, github(BUILD));

const RULE = {
  issuer: GITHUB,
  subjectRegExp: 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/heads/.+',
  claims: { githubWorkflowRef: 'refs/heads/main' },
};
const REQUIRED = `${GITHUB} matching ^${RULE.subjectRegExp}$ with githubWorkflowRef=refs/heads/main`;

const config = validateConfig({
  value: {
    registries: {
      hosts: [{ host: H, caFile: reg.caFile, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } }],
    },
    signatures: {
      trustedRootFile: rootFile,
      // Every review looks again: the tests add signatures between reviews of one digest.
      cacheTtlMs: 0,
      policies: [
        {
          repositories: [`${H}/attest`],
          authorities: [{ name: 'release-workflow', keyless: RULE }],
          attestations: [{ predicateType: SLSA }],
        },
        {
          repositories: [`${H}/multi`],
          authorities: [{ name: 'release-workflow', keyless: RULE }],
          multiArch: 'index-and-platforms',
        },
        {
          repositories: [`${H}/named`],
          authorities: [{ name: 'release-workflow', keyless: RULE }],
          matchReference: true,
        },
        { repositories: [`${H}/team`], authorities: [{ name: 'release-workflow', keyless: RULE }] },
      ],
    },
    policy: {
      evaluators: 1,
      data: { imagegate: { config: { trusted_registries: [H], signatures: { enabled: true } } } },
    },
  },
  source: 'test',
});

const { validate } = await signaturesWebhook(t, config);

/** Pushes an image under `repo:tag` and returns it. */
async function image(repo: string, tag: string, built: BuiltImage = buildImage({ content: `${repo}:${tag}` })) {
  await reg.push(repo, tag, built);
  return built;
}

async function pushSigs(
  repo: string,
  digest: string,
  layers: readonly CosignLayer[],
  suffix: '.sig' | '.att' = '.sig',
) {
  await reg.push(repo, cosignTag(digest, suffix), cosignSignatureImage(layers));
}

/** A `cosign sign` keyless layer of `digest` by `leaf` (what cosign 2 pushes under the .sig tag). */
function sig(leaf: Leaf, repo: string, digest: string, rekor?: Parameters<typeof keylessLayer>[1]['rekor']) {
  return keylessLayer(pki, {
    leaf,
    payload: simpleSigningPayload(digest, `${H}/${repo}`),
    ...(rekor === undefined ? {} : { rekor }),
  });
}

/** Attaches v0.3 bundles as cosign 3 does (referrers), listed in the tag-schema fallback index. */
async function attachBundles(repo: string, subject: BuiltImage, bundles: readonly Buffer[]): Promise<string[]> {
  const referrers = bundles.map((b) =>
    bundleReferrer(b, subject.manifest, { 'dev.sigstore.bundle.predicateType': COSIGN_SIGN }),
  );
  for (const r of referrers) await reg.push(repo, r.manifest.digest, r);
  await reg.push(repo, cosignTag(subject.manifest.digest, ''), referrersFallbackIndex(referrers));
  return referrers.map((r) => r.manifest.digest);
}

/** The v0.3 bundle `cosign sign` (cosign 3) makes for an image: DSSE over a cosign/sign/v1 statement. */
function cosign3Bundle(leaf: Leaf, digest: string, name = 'image'): Buffer {
  return makeBundle(pki, {
    version: '0.3',
    content: { kind: 'dsse', payloadType: IN_TOTO, payload: inTotoStatement(digest, COSIGN_SIGN, {}, name) },
    signer: { kind: 'keyless', leaf },
  });
}

const ADMITTED = { allowed: true, message: '' };

/** Denied, the message naming the container, the pinned image@digest, the policy pattern and each reason. */
async function denied(t: Test, img: string, pinned: string, policy: string, ...reasons: (string | RegExp)[]) {
  const d = await validate(img);
  t.equal(d.allowed, false, `${img} is denied`);
  t.match(d.message, 'container "app"');
  t.match(d.message, pinned);
  t.match(d.message, ': signatures: ');
  t.match(d.message, policy);
  for (const r of reasons) t.match(d.message, r);
  return d.message;
}

t.test('a cosign keyless .sig layer by the release workflow is admitted, by tag and by digest', async (t) => {
  const img = await image('team/app', 'v1');
  const d = img.manifest.digest;
  await pushSigs('team/app', d, [sig(release, 'team/app', d)]);
  t.same(await validate(`${H}/team/app:v1`), ADMITTED, 'by tag');
  t.same(await validate(`${H}/team/app@${d}`), ADMITTED, 'by digest');
});

t.test('signed keylessly, but by another workflow, issuer or ref: denied, saying by whom', async (t) => {
  const cases: { name: string; leaf: Leaf; why: string }[] = [
    {
      name: 'build',
      leaf: build,
      why: `signed, but by ${GITHUB} ${BUILD}, not by the required ${REQUIRED} (the subject differs)`,
    },
    {
      name: 'gitlab',
      leaf: await issueLeaf(pki, { ...github(RELEASE), issuer: 'https://gitlab.com' }),
      why: `signed, but by https://gitlab.com ${RELEASE}, not by the required ${REQUIRED} (the issuer differs)`,
    },
    {
      name: 'branch',
      leaf: await issueLeaf(pki, github(RELEASE.replace('main', 'feature'), 'refs/heads/feature')),
      why: `signed, but by ${GITHUB} ${RELEASE.replace('main', 'feature')}, not by the required ${REQUIRED} (githubWorkflowRef must be refs/heads/main; it has githubWorkflowRef=refs/heads/feature)`,
    },
  ];
  for (const c of cases) {
    const img = await image('team/other', c.name);
    const d = img.manifest.digest;
    await pushSigs('team/other', d, [sig(c.leaf, 'team/other', d)]);
    await denied(
      t,
      `${H}/team/other:${c.name}`,
      `${H}/team/other@${d}`,
      `${H}/team`,
      `needs 1 distinct trusted signer of ${d}, has none`,
      `${cosignTag(d, '.sig')} layer 0: ${c.why}`,
    );
  }
});

t.test('an untrusted CA, a missing SCT, a Rekor entry of another artifact: denied with the reason', async (t) => {
  const rogue = await issueLeaf(pki, { ...github(RELEASE), rogueCa: true });
  const noSct = await issueLeaf(pki, { ...github(RELEASE), sct: 'none' });
  const cases: { name: string; layer: (d: string) => CosignLayer; why: string | RegExp }[] = [
    {
      name: 'rogue-ca',
      layer: (d) => sig(rogue, 'team/broken', d),
      why: /the certificate does not chain to a trusted Fulcio root valid at the signing time 2026-03-01T12:01:00\.000Z/,
    },
    {
      name: 'no-sct',
      layer: (d) => sig(noSct, 'team/broken', d),
      why: 'the certificate carries no signed certificate timestamp (SCT) from a trusted certificate transparency log',
    },
    {
      name: 'other-artifact',
      layer: (d) => sig(release, 'team/broken', d, { otherSignature: Buffer.from('another artifact signature') }),
      why: /the Rekor entry is for another artifact or signature \(.+\): it does not record this signature over this payload/,
    },
    {
      name: 'rogue-rekor',
      layer: (d) => sig(release, 'team/broken', d, { log: pki.rogueRekor }),
      why: 'the Rekor signed entry timestamp (SET) does not verify against any trusted Rekor log key for that log id and time',
    },
    {
      name: 'no-rekor',
      layer: (d) => sig(release, 'team/broken', d, 'none'),
      why: "no Rekor transparency log entry accompanies the signature, and tlog is required (sign with the Rekor upload on, or set the policy's tlog: optional)",
    },
  ];
  for (const c of cases) {
    const img = await image('team/broken', c.name);
    const d = img.manifest.digest;
    await pushSigs('team/broken', d, [c.layer(d)]);
    await denied(
      t,
      `${H}/team/broken:${c.name}`,
      `${H}/team/broken@${d}`,
      `${H}/team`,
      `needs 1 distinct trusted signer of ${d}, has none`,
      `${cosignTag(d, '.sig')} layer 0: `,
      c.why,
    );
  }
});

t.test('a keyless signature over another digest is denied: it signs another image', async (t) => {
  const img = await image('team/confused', 'v1');
  const other = await image('team/confused', 'v2');
  const d = img.manifest.digest;
  await pushSigs('team/confused', d, [sig(release, 'team/confused', other.manifest.digest)]);
  await denied(
    t,
    `${H}/team/confused:v1`,
    `${H}/team/confused@${d}`,
    `${H}/team`,
    `it signs ${other.manifest.digest}, not the judged digest ${d}`,
  );
});

t.test('a cosign 3 v0.3 bundle found through the referrers tag-schema fallback', async (t) => {
  const img = await image('team/bundled', 'v1');
  const d = img.manifest.digest;
  await attachBundles('team/bundled', img, [cosign3Bundle(release, d)]);
  t.same(await validate(`${H}/team/bundled:v1`), ADMITTED, 'by the release workflow: admitted by tag');
  t.same(await validate(`${H}/team/bundled@${d}`), ADMITTED, 'and by digest');

  const other = await image('team/bundled', 'v2');
  const o = other.manifest.digest;
  const [referrer] = await attachBundles('team/bundled', other, [cosign3Bundle(build, o)]);
  await denied(
    t,
    `${H}/team/bundled:v2`,
    `${H}/team/bundled@${o}`,
    `${H}/team`,
    `needs 1 distinct trusted signer of ${o}, has none`,
    `referrer ${referrer ?? '?'}: signed, but by ${GITHUB} ${BUILD}, not by the required ${REQUIRED} (the subject differs)`,
  );

  // A release-workflow bundle about another image, copied as a referrer of this one.
  const copied = await image('team/bundled', 'v3');
  const c = copied.manifest.digest;
  await attachBundles('team/bundled', copied, [cosign3Bundle(release, d)]);
  await denied(
    t,
    `${H}/team/bundled:v3`,
    `${H}/team/bundled@${c}`,
    `${H}/team`,
    `its in-toto statement (${COSIGN_SIGN}) is about another digest, not ${c}`,
  );
});

t.test('matchReference: a cosign 3 statement must name the image repository as its subject', async (t) => {
  const img = await image('named/app', 'v1');
  const d = img.manifest.digest;
  await attachBundles('named/app', img, [cosign3Bundle(release, d, `${H}/named/app`)]);
  t.same(await validate(`${H}/named/app:v1`), ADMITTED, 'subject named as the repository');

  const other = await image('named/app', 'v2');
  const o = other.manifest.digest;
  await attachBundles('named/app', other, [cosign3Bundle(release, o, `${H}/named/other`)]);
  await denied(
    t,
    `${H}/named/app:v2`,
    `${H}/named/app@${o}`,
    `${H}/named`,
    `its in-toto statement names the repository ${H}/named/other, not ${H}/named/app`,
  );
});

t.test('keyless attestations: the required predicateType is admitted, another one alone is denied', async (t) => {
  const attest = (leaf: Leaf, digest: string, predicateType: string, predicate: unknown) =>
    keylessAttestationLayer(pki, { leaf, statement: inTotoStatement(digest, predicateType, predicate) });

  const ok = await image('attest/app', 'v1');
  const d = ok.manifest.digest;
  await pushSigs('attest/app', d, [sig(release, 'attest/app', d)]);
  await pushSigs('attest/app', d, [attest(release, d, SLSA, { buildDefinition: { buildType: 'x' } })], '.att');
  t.same(await validate(`${H}/attest/app:v1`), ADMITTED);

  const spdxOnly = await image('attest/app', 'v2');
  const s = spdxOnly.manifest.digest;
  await pushSigs('attest/app', s, [sig(release, 'attest/app', s)]);
  await pushSigs('attest/app', s, [attest(release, s, SPDX, { spdxVersion: 'SPDX-2.3' })], '.att');
  await denied(
    t,
    `${H}/attest/app:v2`,
    `${H}/attest/app@${s}`,
    `${H}/attest`,
    `no verified ${SLSA} attestation about ${s} by a trusted authority`,
  );

  // The required type, attested by another workflow: it counts for nothing.
  const byBuild = await image('attest/app', 'v3');
  const b = byBuild.manifest.digest;
  await pushSigs('attest/app', b, [sig(release, 'attest/app', b)]);
  await pushSigs('attest/app', b, [attest(build, b, SLSA, {})], '.att');
  await denied(
    t,
    `${H}/attest/app:v3`,
    `${H}/attest/app@${b}`,
    `${H}/attest`,
    `no verified ${SLSA} attestation about ${b} by a trusted authority`,
    `${cosignTag(b, '.att')} layer 0: signed, but by ${GITHUB} ${BUILD}`,
  );
});

t.test('adversarial 22 keyless: the index and each platform manifest must be signed by the workflow', async (t) => {
  const multi = buildMultiArch('keyless');
  const index = (await image('multi/app', 'v1', multi)).manifest.digest;
  const children = multi.children.map((c) => c.manifest.digest);
  for (const c of children) await pushSigs('multi/app', c, [sig(release, 'multi/app', c)]);
  await denied(
    t,
    `${H}/multi/app:v1`,
    `${H}/multi/app@${index}`,
    `${H}/multi`,
    `not signed: no signature is stored for ${index}`,
  );
  await pushSigs('multi/app', index, [sig(release, 'multi/app', index)]);
  t.same(await validate(`${H}/multi/app:v1`), ADMITTED, 'index and platforms signed by the release workflow');
  const [first] = children;
  if (first === undefined) throw new Error('the multi-arch image has no platforms');
  await pushSigs('multi/app', first, [sig(build, 'multi/app', first)]);
  await denied(
    t,
    `${H}/multi/app:v1`,
    `${H}/multi/app@${index}`,
    `${H}/multi`,
    `platform manifest ${first} of the index: needs 1 distinct trusted signer of ${first}, has none`,
    `signed, but by ${GITHUB} ${BUILD}`,
  );
});
