import t from 'tap';
import { createRegistryResolver } from '../../src/registry/internal.js';
import { parseDigest } from '../../src/images/index.js';
import { blob, buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { longSignal, registriesConfig } from './helpers.js';
import { fakeAgent, OCI_MANIFEST, startFake } from './fakes.js';

const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const reg = await startRegistry();
t.teardown(() => reg.close());

const image = buildImage({ content: 'artifacts app' });
await reg.push('team/app', 'v1', image);
const subject = parseDigest(image.manifest.digest);
const tagOf = image.manifest.digest.replace(':', '-');

const payload = blob(Buffer.from('{"critical":{}}'), 'application/vnd.dev.cosign.simplesigning.v1+json');
const emptyConfig = blob(Buffer.from('{}'), 'application/vnd.oci.image.config.v1+json');
const sigManifest = blob(
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: emptyConfig.mediaType, digest: emptyConfig.digest, size: emptyConfig.bytes.length },
      layers: [
        {
          mediaType: payload.mediaType,
          digest: payload.digest,
          size: payload.bytes.length,
          annotations: { 'dev.cosignproject.cosign/signature': 'c2ln' },
        },
      ],
    }),
  ),
  'application/vnd.oci.image.manifest.v1+json',
);
await reg.push('team/app', `${tagOf}.sig`, { manifest: sigManifest, blobs: [emptyConfig, payload], children: [] });
const fallbackIndex = blob(
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: sigManifest.mediaType,
          digest: sigManifest.digest,
          size: sigManifest.bytes.length,
          artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        },
        { mediaType: sigManifest.mediaType, digest: sigManifest.digest, size: 1, artifactType: 'application/x-other' },
      ],
    }),
  ),
  'application/vnd.oci.image.index.v1+json',
);
await reg.push('team/app', tagOf, { manifest: fallbackIndex, blobs: [], children: [] });

const resolver = createRegistryResolver({
  registries: registriesConfig({
    hosts: [
      { host: reg.host, caFile: reg.caFile, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } },
    ],
  }),
});
t.teardown(() => resolver.close());
const { artifacts } = resolver;
const repository = `${reg.host}/team/app`;

t.test('the .sig tag manifest is read with its layer annotations, and its blob verified', async (t) => {
  const m = await artifacts.manifest({ repository, reference: `${tagOf}.sig`, maxEntries: 32, signal: longSignal() });
  t.equal(m?.digest, sigManifest.digest, 'digest of the bytes received');
  t.equal(m?.layers[0]?.annotations['dev.cosignproject.cosign/signature'], 'c2ln');
  const layer = m?.layers[0];
  if (layer === undefined) throw new Error('no layer');
  const bytes = await artifacts.blob({ repository, digest: layer.digest, maxBytes: 1024, signal: longSignal() });
  t.equal(bytes.toString(), '{"critical":{}}');
});

t.test('an absent signature tag is undefined, not an error', async (t) => {
  const none = await artifacts.manifest({
    repository,
    reference: 'sha256-00.sig',
    maxEntries: 32,
    signal: longSignal(),
  });
  t.equal(none, undefined);
});

t.test(
  'referrers: a registry without the API falls back to the sha256-<hex> tag, filtered by artifactType',
  async (t) => {
    const found = await artifacts.referrers({
      repository,
      digest: subject,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      maxEntries: 1024,
      signal: longSignal(),
    });
    t.same(
      found.map((d) => d.digest),
      [sigManifest.digest],
    );
    await t.rejects(
      artifacts.referrers({ repository, digest: subject, maxEntries: 1, signal: longSignal() }),
      { code: 'IMAGEGATE_REGISTRY_LIMIT_EXCEEDED' },
      'more referrers than the limit is refused',
    );
  },
);

t.test('a blob over its size limit is refused', async (t) => {
  await t.rejects(
    artifacts.blob({ repository, digest: parseDigest(payload.digest), maxBytes: 4, signal: longSignal() }),
    { code: 'IMAGEGATE_REGISTRY_LIMIT_EXCEEDED' },
  );
});

t.test('a repository on a host outside registries.hosts is refused without any connection', async (t) => {
  await t.rejects(
    artifacts.manifest({
      repository: 'evil.example.com/x/y',
      reference: `${tagOf}.sig`,
      maxEntries: 32,
      signal: longSignal(),
    }),
    { code: 'IMAGEGATE_REGISTRY_UNTRUSTED', message: /evil\.example\.com/ },
  );
});

t.test('adversarial 14 at the reader: bytes that do not hash to the digest asked for are refused', async (t) => {
  const wrong = Buffer.from('{"schemaVersion":2,"layers":[]}');
  const fake = await startFake((req, res) => {
    const path = req.url ?? '';
    if (path.includes('/referrers/')) {
      const index = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: OCI_MANIFEST, digest: payload.digest, size: 1, artifactType: BUNDLE },
          { mediaType: OCI_MANIFEST, digest: sigManifest.digest, size: 1, artifactType: 'application/x-other' },
        ],
      };
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
      res.end(JSON.stringify(index));
      return;
    }
    res.writeHead(200, { 'content-type': OCI_MANIFEST });
    res.end(wrong);
  });
  t.teardown(() => fake.close());
  const agent = fakeAgent();
  t.teardown(() => agent.close());
  const r = createRegistryResolver({
    registries: registriesConfig({ hosts: [{ host: fake.host }] }),
    dispatcher: agent,
  });
  t.teardown(() => r.close());
  const repo = `${fake.host}/team/app`;
  await t.rejects(
    r.artifacts.manifest({ repository: repo, reference: sigManifest.digest, maxEntries: 8, signal: longSignal() }),
    { code: 'IMAGEGATE_REGISTRY_DIGEST_MISMATCH', message: `the manifest served for ${sigManifest.digest} hashes to` },
  );
  await t.rejects(
    r.artifacts.blob({ repository: repo, digest: parseDigest(payload.digest), maxBytes: 1024, signal: longSignal() }),
    { code: 'IMAGEGATE_REGISTRY_DIGEST_MISMATCH', message: `the blob served for ${payload.digest} hashes to` },
  );
  const listed = await r.artifacts.referrers({
    repository: repo,
    digest: subject,
    artifactType: BUNDLE,
    maxEntries: 8,
    signal: longSignal(),
  });
  t.same(
    listed.map((d) => d.digest),
    [payload.digest],
    'the referrers API answer is filtered by artifactType here, whatever the registry applied',
  );
});
