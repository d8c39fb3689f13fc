/**
 * Signatures through /validate (issue 12's Must-show): a real registry holding images and what
 * cosign stores for them (`.sig` / `.att` tags, key pairs in cosign's encrypted key format, a
 * test Rekor log in the trusted root), the real HTTPS webhook, the facts stage with the real
 * signatures source, the shipped policies. Adversarial classes 14, 20, 21 and 22 are each denied
 * with their reason.
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
} from '../fixtures/registry/index.js';
import type { BuiltImage } from '../fixtures/registry/index.js';
import {
  attestationLayer,
  cosignTag,
  signatureLayer,
  signatureManifest,
  testSigner,
  TestRekor,
  type LayerSpec,
  type TestSigner,
} from '../fixtures/signatures/cosign.js';

const reg = await startRegistry();
t.teardown(() => reg.close());
const H = reg.host;
const dir = await mkdtemp(join(tmpdir(), 'imagegate-sig-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const rekor = new TestRekor();
const release = testSigner('p256');
const second = testSigner('ed25519');
const attacker = testSigner('p256');
const SLSA = 'https://slsa.dev/provenance/v1';
const SPDX = 'https://spdx.dev/Document';

const rootFile = join(dir, 'trusted_root.json');
const releasePub = join(dir, 'cosign.pub');
await writeFile(rootFile, rekor.trustedRoot());
await writeFile(releasePub, release.files.publicPem);

/** Pushes an image under `repo:tag` and returns its digest. */
async function image(repo: string, tag: string, built: BuiltImage = buildImage({ content: `${repo}:${tag}` })) {
  await reg.push(repo, tag, built);
  return built.manifest.digest;
}

async function pushSigs(repo: string, digest: string, layers: readonly LayerSpec[], suffix: '.sig' | '.att' = '.sig') {
  await reg.push(repo, cosignTag(digest, suffix), signatureManifest(layers));
}

function sig(
  signer: TestSigner,
  repo: string,
  digest: string,
  extra: { rekor?: TestRekor | null; entry?: unknown } = {},
) {
  return signatureLayer({
    signer,
    repository: `${H}/${repo}`,
    digest,
    rekor: extra.rekor === undefined ? rekor : extra.rekor,
    ...(extra.entry === undefined ? {} : { entry: extra.entry }),
  });
}

const key = (name: string, s: TestSigner) => ({ name, key: { pem: s.files.publicPem } });
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
          repositories: [`${H}/multi/strict`],
          authorities: [key('release-key', release)],
          multiArch: 'index-and-platforms',
        },
        { repositories: [`${H}/multi`], authorities: [key('release-key', release)] },
        {
          repositories: [`${H}/two`],
          authorities: [key('release-key', release), key('second-key', second)],
          threshold: 2,
        },
        {
          repositories: [`${H}/attest`],
          authorities: [key('release-key', release)],
          attestations: [{ predicateType: SLSA }],
        },
        {
          repositories: [`${H}/elsewhere`],
          authorities: [key('release-key', release)],
          signaturesRepository: `${H}/sigstore`,
        },
        { repositories: [`${H}/team`], authorities: [{ name: 'release-key', key: { file: releasePub } }] },
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

async function denied(t: Test, img: string, ...reasons: (string | RegExp)[]): Promise<void> {
  const d = await validate(img);
  t.equal(d.allowed, false, `${img} is denied`);
  t.match(d.message, 'container "app"');
  t.match(d.message, ': signatures: ');
  for (const r of reasons) t.match(d.message, r);
}

t.test(
  'an image signed with the policy key (cosign.pub file, encrypted cosign.key) and logged in Rekor is admitted',
  async (t) => {
    const d = await image('team/app', 'v1');
    await pushSigs('team/app', d, [sig(release, 'team/app', d)]);
    t.same(await validate(`${H}/team/app:v1`), { allowed: true, message: '' }, 'by tag');
    t.same(await validate(`${H}/team/app@${d}`), { allowed: true, message: '' }, 'by digest');
  },
);

t.test('an unsigned image is denied: not signed', async (t) => {
  const d = await image('team/unsigned', 'v1');
  await denied(t, `${H}/team/unsigned:v1`, `not signed: no signature is stored for ${d}`);
});

t.test('a repository no policy covers needs no signature', async (t) => {
  await image('free/app', 'v1');
  t.same(await validate(`${H}/free/app:v1`), { allowed: true, message: '' });
});

t.test('adversarial 14: a valid signature whose payload names another digest is denied', async (t) => {
  const d = await image('team/confused', 'v1');
  const other = await image('team/confused', 'v2');
  await pushSigs('team/confused', d, [sig(release, 'team/confused', other)]);
  await denied(t, `${H}/team/confused:v1`, `it signs ${other}, not the judged digest ${d}`);
});

t.test(
  'adversarial 20: untrusted key, copied signature, foreign Rekor bundle, key taken from the bundle',
  async (t) => {
    const untrusted = await image('team/untrusted', 'v1');
    await pushSigs('team/untrusted', untrusted, [sig(attacker, 'team/untrusted', untrusted)]);
    await denied(t, `${H}/team/untrusted:v1`, 'signed, but not with the key of any required authority (release-key)');

    // The .sig manifest of a signed image copied as the .sig of another digest.
    const signed = await image('team/copied', 'good');
    const target = await image('team/copied', 'evil');
    const layer = sig(release, 'team/copied', signed);
    await pushSigs('team/copied', signed, [layer]);
    await pushSigs('team/copied', target, [layer]);
    await denied(t, `${H}/team/copied:evil`, `it signs ${signed}, not the judged digest ${target}`);

    // A genuine signature, but the Rekor bundle attached records another artifact's signature.
    const foreign = await image('team/foreign-rekor', 'v1');
    const elsewhere = sig(release, 'team/other', 'sha256:' + 'a'.repeat(64));
    const genuine = signatureLayer({
      signer: release,
      repository: `${H}/team/foreign-rekor`,
      digest: foreign,
      rekor: null,
    });
    const withForeign: LayerSpec = {
      ...genuine,
      annotations: {
        ...genuine.annotations,
        'dev.sigstore.cosign/bundle': elsewhere.annotations['dev.sigstore.cosign/bundle'] ?? '',
      },
    };
    await pushSigs('team/foreign-rekor', foreign, [withForeign]);
    await denied(
      t,
      `${H}/team/foreign-rekor:v1`,
      'signed by release-key, but its Rekor entry records another artifact',
    );

    // The attacker's key logged in the (trusted) Rekor with a valid SET: the key comes from the policy only.
    const keyInBundle = await image('team/key-in-bundle', 'v1');
    await pushSigs('team/key-in-bundle', keyInBundle, [sig(attacker, 'team/key-in-bundle', keyInBundle)]);
    await denied(t, `${H}/team/key-in-bundle:v1`, 'not with the key of any required authority (release-key)');

    // tlog required: no bundle, or a SET by a log not in the trusted root.
    const noLog = await image('team/no-log', 'v1');
    await pushSigs('team/no-log', noLog, [sig(release, 'team/no-log', noLog, { rekor: null })]);
    await denied(t, `${H}/team/no-log:v1`, 'has no Rekor bundle, and the policy requires a transparency log entry');
    const rogue = new TestRekor();
    const rogueLog = await image('team/rogue-log', 'v1');
    await pushSigs('team/rogue-log', rogueLog, [sig(release, 'team/rogue-log', rogueLog, { rekor: rogue })]);
    await denied(t, `${H}/team/rogue-log:v1`, /names the log [0-9a-f]{64}, which is not in the trusted root/);
    const forged = await image('team/forged-set', 'v1');
    const payloadLayer = signatureLayer({
      signer: release,
      repository: `${H}/team/forged-set`,
      digest: forged,
      rekor: null,
    });
    const forgedSet = rekor.bundle(
      TestRekor.hashedRekord({
        payload: payloadLayer.payload,
        signature: Buffer.from(payloadLayer.annotations['dev.cosignproject.cosign/signature'] ?? '', 'base64'),
        publicPem: release.files.publicPem,
      }),
      { signer: rogue.keys.privateKey },
    );
    await pushSigs('team/forged-set', forged, [
      { ...payloadLayer, annotations: { ...payloadLayer.annotations, 'dev.sigstore.cosign/bundle': forgedSet } },
    ]);
    await denied(t, `${H}/team/forged-set:v1`, 'SignedEntryTimestamp does not verify with the trusted log key');
  },
);

t.test('adversarial 21: 2-of-N met by one key twice is denied; two distinct keys are admitted', async (t) => {
  const twice = await image('two/app', 'twice');
  await pushSigs('two/app', twice, [sig(release, 'two/app', twice), sig(release, 'two/app', twice)]);
  await denied(t, `${H}/two/app:twice`, `needs 2 distinct trusted signers of ${twice}, has 1 (release-key)`);
  const both = await image('two/app', 'both');
  await pushSigs('two/app', both, [sig(release, 'two/app', both), sig(second, 'two/app', both)]);
  t.same(await validate(`${H}/two/app:both`), { allowed: true, message: '' });
});

t.test('adversarial 21: a required predicateType missing while another attestation is valid is denied', async (t) => {
  const d = await image('attest/app', 'v1');
  await pushSigs('attest/app', d, [sig(release, 'attest/app', d)]);
  const spdx = attestationLayer({
    signer: release,
    digest: d,
    predicateType: SPDX,
    predicate: { spdxVersion: 'SPDX-2.3' },
    rekor,
  });
  await pushSigs('attest/app', d, [spdx], '.att');
  await denied(t, `${H}/attest/app:v1`, `no verified ${SLSA} attestation about ${d} by a trusted authority`);

  const ok = await image('attest/app', 'v2');
  await pushSigs('attest/app', ok, [sig(release, 'attest/app', ok)]);
  const slsa = attestationLayer({
    signer: release,
    digest: ok,
    predicateType: SLSA,
    predicate: { buildDefinition: { buildType: 'x' } },
    rekor,
  });
  await pushSigs('attest/app', ok, [spdx, slsa], '.att');
  t.same(await validate(`${H}/attest/app:v2`), { allowed: true, message: '' });

  // Adversarial 20: an unparseable DSSE envelope is named and counts for nothing.
  const garbled = await image('attest/app', 'v4');
  await pushSigs('attest/app', garbled, [sig(release, 'attest/app', garbled)]);
  await pushSigs(
    'attest/app',
    garbled,
    [
      {
        payload: Buffer.from('{"payloadType": 7'),
        mediaType: 'application/vnd.dsse.envelope.v1+json',
        annotations: {},
      },
    ],
    '.att',
  );
  await denied(t, `${H}/attest/app:v4`, `${cosignTag(garbled, '.att')} layer 0: its layer is not a DSSE envelope`);

  // An attestation about another digest (copied from v2) counts for nothing.
  const copied = await image('attest/app', 'v3');
  await pushSigs('attest/app', copied, [sig(release, 'attest/app', copied)]);
  await pushSigs('attest/app', copied, [slsa], '.att');
  await denied(t, `${H}/attest/app:v3`, `is about another digest, not ${copied}`);
});

t.test(
  'adversarial 22: the multi-arch rule (judged digest always; each platform with index-and-platforms)',
  async (t) => {
    const multi = buildMultiArch('strict');
    const index = await image('multi/strict/app', 'v1', multi);
    const children = multi.children.map((c) => c.manifest.digest);
    await pushSigs('multi/strict/app', index, [sig(release, 'multi/strict/app', index)]);
    await denied(t, `${H}/multi/strict/app:v1`, `platform manifest ${children[0] ?? '?'} of the index: not signed`);
    for (const c of children) await pushSigs('multi/strict/app', c, [sig(release, 'multi/strict/app', c)]);
    t.same(
      await validate(`${H}/multi/strict/app@${index}`),
      { allowed: true, message: '' },
      'index and platforms signed',
    );

    // Platforms signed, index not: denied under either mode.
    const loose = buildMultiArch('loose');
    const looseIndex = await image('multi/app', 'v1', loose);
    for (const c of loose.children)
      await pushSigs('multi/app', c.manifest.digest, [sig(release, 'multi/app', c.manifest.digest)]);
    await denied(t, `${H}/multi/app:v1`, `not signed: no signature is stored for ${looseIndex}`);
    // Mode index: the signed index is enough, and a pinned child digest is judged by its own signature.
    await pushSigs('multi/app', looseIndex, [sig(release, 'multi/app', looseIndex)]);
    t.same(await validate(`${H}/multi/app:v1`), { allowed: true, message: '' });
    const unsignedChild = await image('multi/app', 'lone', buildImage({ content: 'lone' }));
    await denied(t, `${H}/multi/app:v1@${unsignedChild}`, `no signature is stored for ${unsignedChild}`);
  },
);

t.test('signatures stored in another repository (signaturesRepository) are found there only', async (t) => {
  const d = await image('elsewhere/app', 'v1');
  await pushSigs('elsewhere/app', d, [sig(release, 'elsewhere/app', d)]);
  await denied(t, `${H}/elsewhere/app:v1`, 'not signed');
  await pushSigs('sigstore', d, [sig(release, 'elsewhere/app', d)]);
  t.same(await validate(`${H}/elsewhere/app:v1`), { allowed: true, message: '' });
});

t.test('a certificate annotation that is no certificate goes to the Sigstore verifier, which refuses it', async (t) => {
  const d = await image('team/keyless', 'v1');
  const layer = sig(release, 'team/keyless', d);
  await pushSigs('team/keyless', d, [
    {
      ...layer,
      annotations: { ...layer.annotations, 'dev.sigstore.cosign/certificate': '-----BEGIN CERTIFICATE-----\n' },
    },
  ]);
  await denied(
    t,
    `${H}/team/keyless:v1`,
    'the certificate annotation (dev.sigstore.cosign/certificate) is not exactly one PEM certificate',
  );
});

t.test('more stored signatures than signatures.limits.maxSignatures is a failure, never a silent cut', async (t) => {
  const d = await image('team/crowded', 'v1');
  const one = sig(release, 'team/crowded', d);
  await pushSigs(
    'team/crowded',
    d,
    Array.from({ length: 33 }, () => one),
  );
  await denied(
    t,
    `${H}/team/crowded:v1`,
    'could not be checked: IMAGEGATE_SIGNATURES_LIMIT_EXCEEDED: 33 signatures and attestations are stored',
    'over signatures.limits.maxSignatures = 32',
  );
});
