import t from 'tap';
import { request } from 'undici';
import { sigstoreTrustFromJson } from '../../../src/signatures/sigstore/trust.js';
import { verifyBundle, verifyKeylessLayer, type CosignLayer } from '../../../src/signatures/sigstore/verify.js';
import { buildImage, REGISTRY_PASSWORD, REGISTRY_USER, startRegistry } from '../../fixtures/registry/index.js';
import { createTestPki, issueLeaf } from '../../fixtures/signatures/sigstore-pki.js';
import {
  BUNDLE_V03,
  bundleReferrer,
  cosignSignatureImage,
  cosignTag,
  referrersFallbackIndex,
} from '../../fixtures/signatures/sigstore-oci.js';
import {
  ANNOTATIONS,
  IN_TOTO,
  inTotoStatement,
  keylessLayer,
  makeBundle,
  simpleSigningPayload,
} from '../../fixtures/signatures/sigstore-signer.js';

// What the test signer pushes to the real registry reads back, in cosign's storage format, as
// signatures that verify: the fixtures the end-to-end /validate tests push.

const reg = await startRegistry();
t.teardown(() => reg.close());
const pki = await createTestPki();
const trust = sigstoreTrustFromJson(pki.trustedRootJson);
const leaf = await issueLeaf(pki, { issuer: 'https://issuer.test', subject: 'https://ci.test/acme/app/release' });
const image = buildImage({ content: 'signed app' });
const digest = image.manifest.digest;
const auth = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`;

async function get(path: string, accept: string): Promise<Buffer> {
  const res = await request(`https://${reg.host}/v2/acme/app/${path}`, {
    dispatcher: reg.agent,
    headers: { authorization: auth, accept },
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${res.statusCode}: ${body.toString().slice(0, 200)}`);
  return body;
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
  return Object.fromEntries(Object.entries(value));
}

function list(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new Error('expected a JSON array');
  return value.map(record);
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error('expected a string');
  return value;
}

const OCI = 'application/vnd.oci.image.manifest.v1+json';

t.test('a keyless .sig layer pushed to the registry reads back and verifies', async (t) => {
  await reg.push('acme/app', 'v1', image);
  const layer = keylessLayer(pki, { leaf, payload: simpleSigningPayload(digest, `${reg.host}/acme/app`) });
  await reg.push('acme/app', cosignTag(digest, '.sig'), cosignSignatureImage([layer]));

  const manifest = record(JSON.parse((await get(`manifests/${cosignTag(digest, '.sig')}`, OCI)).toString()));
  const [descriptor] = list(manifest.layers);
  if (descriptor === undefined) throw new Error('no layer');
  const annotations = record(descriptor.annotations);
  const read: CosignLayer = {
    mediaType: text(descriptor.mediaType),
    payload: await get(`blobs/${text(descriptor.digest)}`, '*/*'),
    signature: text(annotations[ANNOTATIONS.signature]),
    certificate: text(annotations[ANNOTATIONS.certificate]),
    chain: text(annotations[ANNOTATIONS.chain]),
    rekorBundle: text(annotations[ANNOTATIONS.rekorBundle]),
  };
  const result = verifyKeylessLayer({ layer: read, trust, tlog: 'required' });
  if (!result.ok) throw new Error(result.reason);
  t.equal(result.signer.kind === 'identity' ? result.signer.subject : '', 'https://ci.test/acme/app/release');
  const payload = record(JSON.parse(Buffer.from(result.content.payload).toString()));
  t.equal(record(record(payload.critical).image)['docker-manifest-digest'], digest, 'the signed digest is the image');
});

t.test('a v0.3 bundle referrer found through the tag-schema fallback reads back and verifies', async (t) => {
  const bundle = makeBundle(pki, {
    version: '0.3',
    content: {
      kind: 'dsse',
      payloadType: IN_TOTO,
      payload: inTotoStatement(digest, 'https://sigstore.dev/cosign/sign/v1', {}),
    },
    signer: { kind: 'keyless', leaf },
  });
  const referrer = bundleReferrer(bundle, image.manifest);
  await reg.push('acme/app', referrer.manifest.digest, referrer);
  await reg.push('acme/app', cosignTag(digest, ''), referrersFallbackIndex([referrer]));

  const index = record(
    JSON.parse((await get(`manifests/${cosignTag(digest, '')}`, 'application/vnd.oci.image.index.v1+json')).toString()),
  );
  const [entry] = list(index.manifests);
  t.equal(entry?.artifactType, BUNDLE_V03);
  const manifest = record(JSON.parse((await get(`manifests/${text(entry?.digest)}`, OCI)).toString()));
  t.equal(record(manifest.subject).digest, digest, 'the referrer names the image as its subject');
  const [layer] = list(manifest.layers);
  const bytes = await get(`blobs/${text(layer?.digest)}`, '*/*');
  const result = verifyBundle({ bundle: bytes, trust, tlog: 'required', keys: new Map() });
  if (!result.ok) throw new Error(result.reason);
  t.equal(result.content.kind, 'dsse');
  const statement = record(JSON.parse(Buffer.from(result.content.payload).toString()));
  const [subject] = list(statement.subject);
  t.equal(record(subject?.digest).sha256, digest.slice('sha256:'.length));
});
