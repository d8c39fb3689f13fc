import t from 'tap';
import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { sigstoreTrustFromJson } from '../../../src/signatures/sigstore/trust.js';
import { verifyBundle, type Tlog, type Verified } from '../../../src/signatures/sigstore/verify.js';
import { createTestPki, issueLeaf, T0 } from '../../fixtures/signatures/sigstore-pki.js';
import { createTestTsa, withTimestampAuthority } from '../../fixtures/signatures/sigstore-tsa.js';
import {
  IN_TOTO,
  inTotoStatement,
  makeBundle,
  simpleSigningPayload,
  type BundleOptions,
  type BundleVersion,
} from '../../fixtures/signatures/sigstore-signer.js';

// Sigstore bundles v0.1–v0.3 (cosign 3 writes v0.3 DSSE bundles as OCI referrers).

const pki = await createTestPki();
const trust = sigstoreTrustFromJson(pki.trustedRootJson);
const DIGEST = `sha256:${'a'.repeat(64)}`;
const statement = inTotoStatement(DIGEST, 'https://sigstore.dev/cosign/sign/v1', {});
const GITHUB = 'https://token.actions.githubusercontent.com';
const RELEASE = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const leaf = await issueLeaf(pki, {
  issuer: GITHUB,
  subject: RELEASE,
  claims: { githubWorkflowRef: 'refs/heads/main' },
});
const dsse = { kind: 'dsse', payloadType: IN_TOTO, payload: statement } as const;
const keyless = { kind: 'keyless', leaf } as const;
const noKeys = new Map<string, KeyObject>();

function ecKey(): { privateKey: KeyObject; publicKey: KeyObject; publicKeyPem: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...pair, publicKeyPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}
const release = ecKey();
const attacker = ecKey();
const keys = new Map([['release', release.publicKey]]);
const fingerprint = `sha256:${createHash('sha256')
  .update(release.publicKey.export({ format: 'der', type: 'spki' }))
  .digest('hex')}`;

function verify(
  opts: Partial<BundleOptions> & { readonly version?: BundleVersion },
  tlog: Tlog = 'required',
): Verified {
  const bundle = makeBundle(pki, { version: '0.3', content: dsse, signer: keyless, ...opts });
  return verifyBundle({ bundle, trust, tlog, keys });
}

function reasonOf(result: Verified): string {
  return result.ok ? 'accepted' : result.reason;
}

t.test('keyless DSSE bundles v0.1, v0.2 and v0.3 are accepted with the signer and the statement', async (t) => {
  for (const version of ['0.1', '0.2', '0.3'] as const) {
    const result = verify({ version });
    if (!result.ok) throw new Error(`${version}: ${result.reason}`);
    t.same(
      result.signer,
      { kind: 'identity', issuer: GITHUB, subject: RELEASE, claims: { githubWorkflowRef: 'refs/heads/main' } },
      version,
    );
    t.match(result.content, { kind: 'dsse', payloadType: IN_TOTO }, version);
    t.equal(result.content.kind === 'dsse' ? Buffer.from(result.content.payload).toString() : '', statement.toString());
    t.equal(result.integratedTime, Math.floor(T0.getTime() / 1000) + 60, version);
  }
});

t.test('a message-signature bundle verifies only over the signed bytes it names by digest', async (t) => {
  const artifact = simpleSigningPayload(DIGEST, 'registry.test/acme/app');
  const bundle = makeBundle(pki, { version: '0.3', content: { kind: 'message', artifact }, signer: keyless });
  const ok = verifyBundle({ bundle, trust, tlog: 'required', keys, artifact });
  t.match(ok, { ok: true, content: { kind: 'message' }, signer: { subject: RELEASE } });
  t.match(
    reasonOf(verifyBundle({ bundle, trust, tlog: 'required', keys })),
    /carries only the digest of what was signed, and the signed bytes were not given/,
  );
  const other = simpleSigningPayload(`sha256:${'b'.repeat(64)}`, 'registry.test/acme/app');
  t.match(
    reasonOf(verifyBundle({ bundle, trust, tlog: 'required', keys, artifact: other })),
    /^the bundle signs the sha256 digest [0-9a-f]{64}, but the payload's is [0-9a-f]{64}$/,
  );
});

t.test('a DSSE bundle whose in-toto payload is not JSON is refused', async (t) => {
  const result = verify({ content: { kind: 'dsse', payloadType: IN_TOTO, payload: Buffer.from('{"_type": ') } });
  t.match(reasonOf(result), /^the DSSE payload \(an in-toto statement\) is not a JSON object: /);
});

t.test('untrusted CA, missing SCT, wrong Rekor entry and bad checkpoint are refused in bundles too', async (t) => {
  const rogue = await issueLeaf(pki, { issuer: GITHUB, subject: RELEASE, rogueCa: true });
  t.match(reasonOf(verify({ signer: { kind: 'keyless', leaf: rogue } })), /does not chain to a trusted Fulcio root/);
  const noSct = await issueLeaf(pki, { issuer: GITHUB, subject: RELEASE, sct: 'none' });
  t.match(reasonOf(verify({ signer: { kind: 'keyless', leaf: noSct } })), /no signed certificate timestamp/);
  t.match(
    reasonOf(verify({ rekor: { otherSignature: Buffer.from('x') } })),
    /Rekor entry is for another artifact .*signature mismatch/,
  );
  t.match(
    reasonOf(verify({ rekor: { checkpointLog: pki.rogueRekor } })),
    /inclusion proof does not verify \(invalid checkpoint signature\)/,
  );
  const late = Math.floor(T0.getTime() / 1000) + 11 * 60;
  t.match(reasonOf(verify({ rekor: { integratedTime: late } })), /is outside the validity of the certificate/);
  // An inclusion proof alone (no SET) proves inclusion but gives no trusted time.
  t.match(reasonOf(verify({ rekor: { proofOnly: true } })), /^no trusted signing time/);
});

t.test('a key-based bundle is verified only with a configured key', async (t) => {
  const content = { kind: 'dsse', payloadType: IN_TOTO, payload: statement } as const;
  const bySigner = (key: ReturnType<typeof ecKey>, hint: string): BundleOptions['signer'] => ({
    kind: 'key',
    privateKey: key.privateKey,
    publicKeyPem: key.publicKeyPem,
    hint,
  });
  const good = verify({ version: '0.3', content, signer: bySigner(release, 'anything') });
  t.same(good.ok ? good.signer : good.reason, { kind: 'key', authority: 'release', fingerprint });
  // The attacker's own key, with a hint naming the configured key or its fingerprint.
  for (const hint of ['release', fingerprint, Buffer.from(fingerprint).toString('base64')]) {
    t.match(
      reasonOf(verify({ content, signer: bySigner(attacker, hint) })),
      /^the bundle is signed with a key that is none of the configured keys \(release\); its hint .* is not trusted$/,
      hint,
    );
  }
  const bundle = makeBundle(pki, { version: '0.3', content, signer: bySigner(release, 'release') });
  t.match(reasonOf(verifyBundle({ bundle, trust, tlog: 'required', keys: noKeys })), /no keys are configured/);
  // A keyless bundle is not accepted as the configured key's, nor the reverse.
  t.match(
    verifyBundle({
      bundle: makeBundle(pki, { version: '0.3', content, signer: keyless }),
      trust,
      tlog: 'required',
      keys,
    }),
    {
      ok: true,
      signer: { kind: 'identity' },
    },
  );
});

t.test('tlog required, optional and ignore for key-based bundles', async (t) => {
  const signer = { kind: 'key', privateKey: release.privateKey, publicKeyPem: release.publicKeyPem, hint: '' } as const;
  const without = { version: '0.3', signer, rekor: 'none' } as const;
  t.equal(
    reasonOf(verify(without, 'required')),
    "no Rekor transparency log entry accompanies the signature, and tlog is required (sign with the Rekor upload on, or set the policy's tlog: optional)",
  );
  t.match(verify(without, 'optional'), { ok: true, signer: { kind: 'key' } });
  t.match(verify(without, 'ignore'), { ok: true, signer: { kind: 'key' } });
  const rogueSet = { version: '0.1', signer, rekor: { log: pki.rogueRekor } } as const;
  t.match(reasonOf(verify(rogueSet, 'required')), /SET\) does not verify/);
  t.match(reasonOf(verify(rogueSet, 'optional')), /SET\) does not verify/, 'an entry present is checked');
  const ignored = verify(rogueSet, 'ignore');
  t.match(ignored, { ok: true }, 'ignore does not read the entry');
  t.equal(ignored.ok ? ignored.integratedTime : 0, undefined, 'nor report its time');
  const withSet = verify({ version: '0.1', signer }, 'required');
  t.match(withSet, { ok: true, integratedTime: Math.floor(T0.getTime() / 1000) + 60 });
});

t.test('a bundle of another media type, or not JSON, or altered, is refused', async (t) => {
  const good = objectOf(JSON.parse(makeBundle(pki, { version: '0.3', content: dsse, signer: keyless }).toString()));
  const cases: [string, Uint8Array, RegExp][] = [
    ['not JSON', Buffer.from('{'), /^the Sigstore bundle is not JSON/],
    ['a JSON array', Buffer.from('[]'), /not a JSON object/],
    [
      'unknown media type',
      Buffer.from(JSON.stringify({ ...good, mediaType: 'application/vnd.dev.sigstore.bundle.v9+json' })),
      /mediaType is application\/vnd\.dev\.sigstore\.bundle\.v9\+json, expected a Sigstore bundle/,
    ],
    [
      'no verification material',
      Buffer.from(JSON.stringify({ ...good, verificationMaterial: undefined })),
      /malformed/,
    ],
    [
      'payload swapped after signing',
      Buffer.from(
        JSON.stringify({
          ...good,
          dsseEnvelope: {
            ...objectOf(good.dsseEnvelope),
            payload: inTotoStatement(`sha256:${'b'.repeat(64)}`, 'x', {}).toString('base64'),
          },
        }),
      ),
      /Rekor entry is for another artifact .*payload hash mismatch/,
    ],
  ];
  for (const [name, bundle, reason] of cases) {
    const result = verifyBundle({ bundle, trust, tlog: 'required', keys });
    t.match(reasonOf(result), reason, name);
  }
});

function objectOf(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Error('expected a JSON object');
  return Object.fromEntries(Object.entries(value));
}

t.test(
  'key-based bundles from P-384, Ed25519 and RSA (PKCS#1 v1.5 and PSS) keys verify with their own hashing',
  async (t) => {
    const pem = (k: KeyObject): string => k.export({ format: 'pem', type: 'spki' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cases: [string, KeyObject, KeyObject, (data: Buffer) => Buffer][] = [
      ['ECDSA P-384 (SHA-384)', p384.privateKey, p384.publicKey, (d) => sign('sha384', d, p384.privateKey)],
      ['Ed25519', ed.privateKey, ed.publicKey, (d) => sign(null, d, ed.privateKey)],
      ['RSA PKCS#1 v1.5', rsa.privateKey, rsa.publicKey, (d) => sign('sha256', d, rsa.privateKey)],
      [
        'RSA PSS',
        rsa.privateKey,
        rsa.publicKey,
        (d) => sign('sha256', d, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
      ],
    ];
    for (const [name, privateKey, publicKey, signData] of cases) {
      const signer = { kind: 'key', privateKey, publicKeyPem: pem(publicKey), hint: '', signData } as const;
      const both = new Map([
        ['release', release.publicKey],
        [name, publicKey],
      ]);
      for (const version of ['0.1', '0.3'] as const) {
        const bundle = makeBundle(pki, { version, content: dsse, signer });
        t.match(
          verifyBundle({ bundle, trust, tlog: 'required', keys: both }),
          { ok: true, signer: { authority: name } },
          `${name} v${version}`,
        );
        t.match(
          verifyBundle({ bundle, trust, tlog: 'required', keys }),
          { ok: false },
          `${name}: not a configured key`,
        );
      }
    }
    // A P-384 signature hashed with SHA-256 is not what cosign makes with that key.
    const wrongHash = makeBundle(pki, {
      version: '0.3',
      content: dsse,
      signer: {
        kind: 'key',
        privateKey: p384.privateKey,
        publicKeyPem: pem(p384.publicKey),
        hint: '',
        signData: (d) => sign('sha256', d, p384.privateKey),
      },
    });
    t.match(verifyBundle({ bundle: wrongHash, trust, tlog: 'required', keys: new Map([['p384', p384.publicKey]]) }), {
      ok: false,
    });
  },
);

t.test('the v0.3 legacy media type is read as v0.3', async (t) => {
  const bundle = objectOf(JSON.parse(makeBundle(pki, { version: '0.3', content: dsse, signer: keyless }).toString()));
  const legacy = Buffer.from(
    JSON.stringify({ ...bundle, mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.3' }),
  );
  t.match(verifyBundle({ bundle: legacy, trust, tlog: 'required', keys }), { ok: true });
});

t.test('no exception escapes, and no corruption changes what a bundle is verified to say', async (t) => {
  const good = makeBundle(pki, { version: '0.3', content: dsse, signer: keyless });
  const original = verifyBundle({ bundle: good, trust, tlog: 'required', keys });
  if (!original.ok) throw new Error(original.reason);
  const said = (r: Verified): string =>
    r.ok
      ? JSON.stringify([r.signer, r.content.kind, Buffer.from(r.content.payload).toString('hex'), r.integratedTime])
      : '';
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < good.length; i += 3) {
    const bad = Buffer.from(good);
    bad[i] = (bad[i] ?? 0) ^ 0x01;
    const result = verifyBundle({ bundle: bad, trust, tlog: 'required', keys });
    if (result.ok) {
      accepted++;
      // Accepted only where no signature covers the byte and nothing reported depends on it:
      // the proof's rootHash (the signed checkpoint's is used), the DSSE keyid, the certificate's
      // outer signature algorithm, non-canonical base64 padding.
      if (said(result) !== said(original)) t.fail(`byte ${i} changed the verified result`);
    } else {
      refused++;
      if (result.reason.length === 0) t.fail(`empty reason at byte ${i}`);
    }
  }
  t.ok(refused > accepted * 10, `${refused} corruptions refused; ${accepted} accepted, each saying the same`);
});

t.test('an RFC 3161 timestamp from a trusted TSA gives the signing time without Rekor', async (t) => {
  const tsa = await createTestTsa();
  const withTsa = sigstoreTrustFromJson(withTimestampAuthority(pki.trustedRootJson, tsa));
  const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
  const stamped = (seconds: number, rekor: NonNullable<BundleOptions['rekor']>): Buffer =>
    makeBundle(pki, { version: '0.3', content: dsse, signer: keyless, rekor, timestamp: { tsa, time: at(seconds) } });
  const noRekor = stamped(30, 'none');
  for (const tlog of ['ignore', 'optional'] as const) {
    const result = verifyBundle({ bundle: noRekor, trust: withTsa, tlog, keys });
    t.match(result, { ok: true, signer: { subject: RELEASE } }, tlog);
    t.equal(result.ok ? result.integratedTime : 0, undefined, `${tlog}: no Rekor time reported`);
  }
  t.match(reasonOf(verifyBundle({ bundle: noRekor, trust: withTsa, tlog: 'required', keys })), /tlog is required/);
  // Rekor v2 entries carry an inclusion proof and no SET: the time comes from the TSA.
  t.match(verifyBundle({ bundle: stamped(30, { proofOnly: true }), trust: withTsa, tlog: 'required', keys }), {
    ok: true,
  });
  t.match(
    reasonOf(verifyBundle({ bundle: stamped(11 * 60, 'none'), trust: withTsa, tlog: 'ignore', keys })),
    /is outside the validity of the certificate/,
  );
  t.match(
    reasonOf(verifyBundle({ bundle: noRekor, trust, tlog: 'ignore', keys })),
    /^no trusted signing time \(timestamp could not be verified\)/,
    'a TSA not in the trusted root gives no time',
  );
  // A token over another signature does not date this one.
  const other = objectOf(JSON.parse(stamped(30, 'none').toString()));
  const mine = objectOf(JSON.parse(noRekor.toString()));
  const swapped = Buffer.from(
    JSON.stringify({
      ...mine,
      verificationMaterial: {
        ...objectOf(mine.verificationMaterial),
        timestampVerificationData: objectOf(other.verificationMaterial).timestampVerificationData,
      },
    }),
  );
  t.match(
    reasonOf(verifyBundle({ bundle: swapped, trust: withTsa, tlog: 'ignore', keys })),
    /^no trusted signing time/,
  );
});
