/**
 * How the signatures source uses the keyless verifier it is given (helper "keyless"'s
 * verifyBundle / verifyKeylessLayer / matchIdentity, injected): a Sigstore v0.3 bundle found
 * through the referrers tag fallback of the real registry reaches it byte for byte, and its
 * verified identity is held against the policy's keyless authorities, whose refusal reason is the
 * developer's message. The verifier here only reads the identity the test wrote; the cryptography
 * is keyless's and tested there.
 */
import t from 'tap';
import { validateConfig } from '../../src/config/internal.js';
import { createRegistryResolver } from '../../src/registry/internal.js';
import { createSignatureSource } from '../../src/signatures/index.js';
import type { KeylessVerifier, TrustLike } from '../../src/signatures/internal.js';
import type { IdentityRule, Signer, Verified } from '../../src/signatures/internal.js';
import { isRecord } from '../../src/guards/index.js';
import { blob, buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { simpleSigningPayload } from '../fixtures/signatures/sigstore-signer.js';
import { longSignal } from '../registry/helpers.js';

const reg = await startRegistry();
t.teardown(() => reg.close());
const repo = 'team/app';
const app = buildImage({ content: 'keyless app' });
await reg.push(repo, 'v1', app);
const digest = app.manifest.digest;
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const RELEASE = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const BUILD = 'https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

/** Stores a bundle as cosign 3 does: an OCI artifact manifest referring to the image, listed in the fallback index. */
async function attachBundle(subject: string): Promise<Buffer> {
  const bundleBytes = Buffer.from(
    JSON.stringify({
      mediaType: BUNDLE,
      test: {
        subject,
        payload: simpleSigningPayload(digest, `${reg.host}/${repo}`).toString('base64'),
      },
    }),
  );
  const layer = blob(bundleBytes, BUNDLE);
  const empty = blob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: BUNDLE,
        config: { mediaType: empty.mediaType, digest: empty.digest, size: empty.bytes.length },
        layers: [{ mediaType: BUNDLE, digest: layer.digest, size: layer.bytes.length }],
        subject: { mediaType: app.manifest.mediaType, digest, size: app.manifest.bytes.length },
      }),
    ),
    'application/vnd.oci.image.manifest.v1+json',
  );
  await reg.push(repo, manifest.digest, { manifest, blobs: [empty, layer], children: [] });
  const index = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length, artifactType: BUNDLE },
        ],
      }),
    ),
    'application/vnd.oci.image.index.v1+json',
  );
  await reg.push(repo, digest.replace(':', '-'), { manifest: index, blobs: [], children: [] });
  return bundleBytes;
}

const seen: Buffer[] = [];
const trust: TrustLike = { revision: 'test-root', rekorKeys: new Map() };
const keyless: KeylessVerifier = {
  verifyKeylessLayer: (): Verified => ({ ok: false, reason: 'no certificate layers in this test' }),
  verifyBundle: ({ bundle }): Verified => {
    seen.push(Buffer.from(bundle));
    const doc: unknown = JSON.parse(Buffer.from(bundle).toString('utf8'));
    const test = isRecord(doc) && isRecord(doc.test) ? doc.test : {};
    if (typeof test.subject !== 'string' || typeof test.payload !== 'string')
      return { ok: false, reason: 'bad bundle' };
    const signer: Signer = {
      kind: 'identity',
      issuer: ISSUER,
      subject: test.subject,
      claims: { githubWorkflowRef: 'refs/heads/main' },
    };
    return { ok: true, signer, content: { kind: 'message', payload: Buffer.from(test.payload, 'base64') } };
  },
  matchIdentity: (signer: Signer, rule: IdentityRule) =>
    signer.kind === 'identity' && signer.subject === rule.subject
      ? { ok: true }
      : {
          ok: false,
          reason: `signed, but by ${signer.kind === 'identity' ? signer.subject : 'a key'}, not by the required ${rule.subject ?? '?'}`,
        },
};

const { registries, signatures } = validateConfig({
  value: {
    registries: {
      hosts: [
        { host: reg.host, caFile: reg.caFile, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } },
      ],
    },
    signatures: {
      trustedRootFile: '/unused/because/trust/is/given.json',
      cacheTtlMs: 0,
      policies: [
        {
          repositories: [`${reg.host}/team`],
          authorities: [{ name: 'release', keyless: { issuer: ISSUER, subject: RELEASE } }],
        },
      ],
    },
  },
  source: 'test',
});
const resolver = createRegistryResolver({ registries });
t.teardown(() => resolver.close());
const source = createSignatureSource({ config: signatures, artifacts: resolver.artifacts, trust, keyless });
const lookup = () => source.lookup({ digest, repository: `${reg.host}/${repo}`, signal: longSignal() });

t.test(
  'a bundle by another workflow is refused with the identity reason; the release workflow satisfies',
  async (t) => {
    const wrong = await attachBundle(BUILD);
    const denied = await lookup();
    t.same(seen.at(-1), wrong, 'the bundle reached the verifier byte for byte');
    t.match(denied.value, {
      required: true,
      satisfied: false,
      failures: [
        `needs 1 distinct trusted signer of ${digest}, has none`,
        new RegExp(
          `^referrer sha256:[0-9a-f]{64}: signed, but by ${BUILD.replace(/[.]/g, '\\.')}, not by the required ${RELEASE.replace(/[.]/g, '\\.')}$`,
        ),
      ],
    });
    await attachBundle(RELEASE);
    t.match((await lookup()).value, {
      satisfied: true,
      verified: [
        {
          authority: 'release',
          kind: 'identity',
          issuer: ISSUER,
          subject: RELEASE,
          claims: { githubWorkflowRef: 'refs/heads/main' },
        },
      ],
    });
  },
);

t.test(
  'with Rekor keys alone (no whole trusted root) the bundle is "not verified: keyless verification unavailable"',
  async (t) => {
    const plain = createSignatureSource({
      config: signatures,
      artifacts: resolver.artifacts,
      trust: { revision: 'rekor-keys-only', rekorKeys: new Map() },
    });
    const v = await plain.lookup({ digest, repository: `${reg.host}/${repo}`, signal: longSignal() });
    t.match(v.value, { satisfied: false, failures: [String, /not verified: keyless verification unavailable$/] });
  },
);
