import t from 'tap';
import { sigstoreTrustFromJson } from '../../../src/signatures/sigstore/trust.js';
import { matchIdentity } from '../../../src/signatures/sigstore/identity.js';
import { verifyKeylessLayer, type CosignLayer, type Verified } from '../../../src/signatures/sigstore/verify.js';
import { createTestPki, issueLeaf, T0, type LeafOptions } from '../../fixtures/signatures/sigstore-pki.js';
import {
  IN_TOTO,
  inTotoStatement,
  keylessAttestationLayer,
  keylessLayer,
  simpleSigningPayload,
  type KeylessLayerOptions,
} from '../../fixtures/signatures/sigstore-signer.js';

// Legacy cosign keyless layers (`.sig` tag): certificate, chain and Rekor bundle annotations.

const pki = await createTestPki();
const trust = sigstoreTrustFromJson(pki.trustedRootJson);
const DIGEST = `sha256:${'a'.repeat(64)}`;
const payload = simpleSigningPayload(DIGEST, 'registry.test/acme/app');
const GITHUB = 'https://token.actions.githubusercontent.com';
const RELEASE = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const identity: LeafOptions = {
  issuer: GITHUB,
  subject: RELEASE,
  claims: {
    githubWorkflowRepository: 'acme/app',
    githubWorkflowRef: 'refs/heads/main',
    githubWorkflowTrigger: 'push',
    sourceRepositoryURI: 'https://github.com/acme/app',
    buildSignerURI: RELEASE,
  },
};
const leaf = await issueLeaf(pki, identity);

async function layerWith(
  leafOpts: Partial<LeafOptions>,
  layerOpts: Partial<Omit<KeylessLayerOptions, 'leaf'>> = {},
): Promise<CosignLayer> {
  const l = Object.keys(leafOpts).length === 0 ? leaf : await issueLeaf(pki, { ...identity, ...leafOpts });
  return keylessLayer(pki, { leaf: l, payload, ...layerOpts });
}

function reasonOf(result: Verified): string {
  return result.ok ? 'accepted' : result.reason;
}

t.test('a valid keyless layer is accepted with the signer, claims, payload and integrated time', async (t) => {
  const result = verifyKeylessLayer({ layer: keylessLayer(pki, { leaf, payload }), trust, tlog: 'required' });
  if (!result.ok) throw new Error(result.reason);
  t.same(result.signer, { kind: 'identity', issuer: GITHUB, subject: RELEASE, claims: identity.claims });
  t.equal(result.content.kind, 'message');
  t.equal(Buffer.from(result.content.payload).toString(), payload.toString());
  t.equal(result.integratedTime, Math.floor(T0.getTime() / 1000) + 60);
  t.same(matchIdentity(result.signer, { issuer: GITHUB, subjectRegExp: 'https://github.com/acme/app/.*' }), {
    ok: true,
  });
});

t.test('an email subject is read from the certificate', async (t) => {
  const layer = await layerWith({ issuer: 'https://accounts.google.com', subject: 'dev@acme.test', claims: {} });
  const result = verifyKeylessLayer({ layer, trust, tlog: 'required' });
  t.match(result, { ok: true, signer: { issuer: 'https://accounts.google.com', subject: 'dev@acme.test' } });
});

t.test('a signer from another issuer or workflow is verified but does not match the rule', async (t) => {
  const gitlab = await layerWith({ issuer: 'https://gitlab.test', subject: 'https://gitlab.test/acme/app//ci' });
  const result = verifyKeylessLayer({ layer: gitlab, trust, tlog: 'required' });
  if (!result.ok) throw new Error(result.reason);
  const match = matchIdentity(result.signer, { issuer: GITHUB, subject: RELEASE });
  t.equal(
    match.ok ? '' : match.reason,
    `signed, but by https://gitlab.test https://gitlab.test/acme/app//ci, not by the required ${GITHUB} ${RELEASE} (the issuer differs)`,
  );
  const build = await layerWith({ subject: 'https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main' });
  const other = verifyKeylessLayer({ layer: build, trust, tlog: 'required' });
  if (!other.ok) throw new Error(other.reason);
  const m = matchIdentity(other.signer, {
    issuer: GITHUB,
    subjectRegExp: 'https://github.com/acme/app/.github/workflows/release.yml@.*',
  });
  t.match(m, { ok: false, reason: /^signed, but by .*build\.yml@refs\/heads\/main, not by the required .*release/ });
});

t.test('a certificate from a CA that is not in the trusted root is refused', async (t) => {
  const layer = await layerWith({ rogueCa: true });
  t.match(reasonOf(verifyKeylessLayer({ layer, trust, tlog: 'required' })), /does not chain to a trusted Fulcio root/);
});

t.test('a certificate without an SCT, or with one from an untrusted CT log, is refused', async (t) => {
  const none = await layerWith({ sct: 'none' });
  t.match(
    reasonOf(verifyKeylessLayer({ layer: none, trust, tlog: 'required' })),
    /carries no signed certificate timestamp \(SCT\)/,
  );
  const rogue = await layerWith({ sct: 'rogue' });
  t.match(
    reasonOf(verifyKeylessLayer({ layer: rogue, trust, tlog: 'required' })),
    /SCT\) does not verify against any trusted certificate transparency log key/,
  );
});

t.test('a Rekor entry for another artifact, or a SET from an untrusted log, is refused', async (t) => {
  const other = await layerWith({}, { rekor: { otherSignature: Buffer.from('another signature') } });
  t.match(
    reasonOf(verifyKeylessLayer({ layer: other, trust, tlog: 'required' })),
    /Rekor entry is for another artifact/,
  );
  const rogue = await layerWith({}, { rekor: { log: pki.rogueRekor } });
  t.match(
    reasonOf(verifyKeylessLayer({ layer: rogue, trust, tlog: 'required' })),
    /signed entry timestamp \(SET\) does not verify/,
  );
  // The annotation of one signature moved onto another layer: body and signature disagree.
  const a = keylessLayer(pki, { leaf, payload });
  const b = keylessLayer(pki, { leaf, payload: simpleSigningPayload(`sha256:${'b'.repeat(64)}`, 'registry.test/x') });
  const swapped: CosignLayer = { ...b, ...(a.rekorBundle === undefined ? {} : { rekorBundle: a.rekorBundle }) };
  t.match(
    reasonOf(verifyKeylessLayer({ layer: swapped, trust, tlog: 'required' })),
    /Rekor entry is for another artifact/,
  );
});

t.test('a signing time outside the 10-minute certificate validity is refused, whatever the clock', async (t) => {
  const notAfter = Math.floor(T0.getTime() / 1000) + 600;
  const late = await layerWith({}, { rekor: { integratedTime: notAfter + 60 } });
  t.equal(
    reasonOf(verifyKeylessLayer({ layer: late, trust, tlog: 'required' })),
    `the signing time ${new Date((notAfter + 60) * 1000).toISOString()} (Rekor integrated time) is outside the validity of the certificate or its issuers`,
  );
  const early = await layerWith({}, { rekor: { integratedTime: Math.floor(T0.getTime() / 1000) - 1 } });
  t.match(reasonOf(verifyKeylessLayer({ layer: early, trust, tlog: 'required' })), /is outside the validity/);
  // A certificate long expired by the wall clock still verifies: its time is Rekor's.
  t.ok(T0.getTime() + 600_000 < Date.now(), 'the test certificate is expired now');
  t.equal(reasonOf(verifyKeylessLayer({ layer: await layerWith({}), trust, tlog: 'required' })), 'accepted');
});

t.test('a payload changed after signing is refused', async (t) => {
  const signedPayload = simpleSigningPayload(`sha256:${'c'.repeat(64)}`, 'registry.test/acme/app');
  const tampered = keylessLayer(pki, { leaf, payload, signedPayload });
  t.match(
    reasonOf(verifyKeylessLayer({ layer: tampered, trust, tlog: 'required' })),
    /Rekor entry is for another artifact .*digest mismatch/,
  );
  // The payload and its Rekor entry agree, but the signature is over other bytes.
  const good = keylessLayer(pki, { leaf, payload });
  const forged = keylessLayer(pki, { leaf, payload: signedPayload });
  t.match(
    reasonOf(verifyKeylessLayer({ layer: { ...forged, signature: good.signature }, trust, tlog: 'required' })),
    /Rekor entry is for another artifact .*signature mismatch/,
  );
});

const NO_ENTRY =
  "no Rekor transparency log entry accompanies the signature, and tlog is required (sign with the Rekor upload on, or set the policy's tlog: optional)";

t.test('tlog: without a Rekor bundle a keyless layer has no entry (required) or no trusted signing time', async (t) => {
  const bare = keylessLayer(pki, { leaf, payload, rekor: 'none' });
  t.equal(reasonOf(verifyKeylessLayer({ layer: bare, trust, tlog: 'required' })), NO_ENTRY);
  for (const tlog of ['optional', 'ignore'] as const) {
    t.match(reasonOf(verifyKeylessLayer({ layer: bare, trust, tlog })), /^no trusted signing time/, tlog);
  }
  const good = keylessLayer(pki, { leaf, payload });
  t.match(verifyKeylessLayer({ layer: good, trust, tlog: 'optional' }), { ok: true });
  // ignore: the entry is not read, so its time is not trusted either.
  t.match(reasonOf(verifyKeylessLayer({ layer: good, trust, tlog: 'ignore' })), /^no trusted signing time/);
  const rogue = await layerWith({}, { rekor: { log: pki.rogueRekor } });
  t.match(reasonOf(verifyKeylessLayer({ layer: rogue, trust, tlog: 'optional' })), /SET\) does not verify/);
});

t.test('malformed layers are refused with a reason, never an exception', async (t) => {
  const good = keylessLayer(pki, { leaf, payload });
  const { certificate: _c, ...keyBased } = good;
  t.match(reasonOf(verifyKeylessLayer({ layer: keyBased, trust, tlog: 'required' })), /carries no certificate/);
  const cases: [string, CosignLayer, RegExp][] = [
    ['garbage certificate', { ...good, certificate: 'not a pem' }, /not exactly one PEM certificate/],
    [
      'garbage inside PEM armour',
      { ...good, certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
      /is not a PEM X\.509 certificate/,
    ],
    ['Rekor bundle not JSON', { ...good, rekorBundle: '{' }, /Rekor bundle annotation .* is not JSON/],
    ['Rekor bundle without SET', { ...good, rekorBundle: '{"Payload":{}}' }, /no SignedEntryTimestamp/],
    ['unknown media type', { ...good, mediaType: 'text/plain' }, /media type is text\/plain/],
    ['signature not base64', { ...good, signature: '!!!' }, /./],
    ['DSSE layer that is not JSON', { ...good, mediaType: 'application/vnd.dsse.envelope.v1+json' }, /./],
  ];
  for (const [name, layer, reason] of cases) {
    const result = verifyKeylessLayer({ layer, trust, tlog: 'required' });
    t.equal(result.ok, false, name);
    t.match(reasonOf(result), reason, name);
  }
});

t.test('a keyless attestation layer (DSSE envelope, intoto Rekor entry) is accepted with its statement', async (t) => {
  const statement = inTotoStatement(DIGEST, 'https://slsa.dev/provenance/v1', { buildType: 'test' });
  const result = verifyKeylessLayer({
    layer: keylessAttestationLayer(pki, { leaf, statement }),
    trust,
    tlog: 'required',
  });
  if (!result.ok) throw new Error(result.reason);
  t.match(result.signer, { kind: 'identity', issuer: GITHUB, subject: RELEASE });
  t.equal(result.content.kind, 'dsse');
  t.equal(result.content.kind === 'dsse' ? result.content.payloadType : '', IN_TOTO);
  t.equal(Buffer.from(result.content.payload).toString(), statement.toString());
  const signedStatement = inTotoStatement(`sha256:${'b'.repeat(64)}`, 'https://slsa.dev/provenance/v1', {});
  const swapped = keylessAttestationLayer(pki, { leaf, statement, signedStatement });
  t.match(
    reasonOf(verifyKeylessLayer({ layer: swapped, trust, tlog: 'required' })),
    /Rekor entry is for another artifact .*payload hash mismatch/,
  );
  const garbage = keylessAttestationLayer(pki, { leaf, statement: Buffer.from('not json') });
  t.match(
    reasonOf(verifyKeylessLayer({ layer: garbage, trust, tlog: 'required' })),
    /^the DSSE payload \(an in-toto statement\) is not a JSON object/,
  );
});
