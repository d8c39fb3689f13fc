/**
 * Cost of verifying one Sigstore signature (src/signatures/sigstore), to size the verdict cache:
 * what a cache hit saves per signature. Baseline: one bare ECDSA P-256 signature check over the
 * same payload, the least any verification costs. Keyless adds the certificate chain (P-384), the
 * SCT and the Rekor SET (and for v0.3 the checkpoint) on top, plus parsing.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { sigstoreTrustFromJson } from '../src/signatures/sigstore/trust.js';
import { verifyBundle, verifyKeylessLayer } from '../src/signatures/sigstore/verify.js';
import { createTestPki, issueLeaf } from '../test/fixtures/signatures/sigstore-pki.js';
import {
  IN_TOTO,
  inTotoStatement,
  keylessLayer,
  makeBundle,
  simpleSigningPayload,
} from '../test/fixtures/signatures/sigstore-signer.js';
import { measure, report } from './harness.js';

const pki = await createTestPki();
const trust = sigstoreTrustFromJson(pki.trustedRootJson);
const leaf = await issueLeaf(pki, { issuer: 'https://issuer.test', subject: 'https://ci.test/acme/app/release' });
const digest = `sha256:${'a'.repeat(64)}`;
const payload = simpleSigningPayload(digest, 'registry.test/acme/app');
const layer = keylessLayer(pki, { leaf, payload });
const statement = inTotoStatement(digest, 'https://sigstore.dev/cosign/sign/v1', {});
const dsse = { kind: 'dsse', payloadType: IN_TOTO, payload: statement } as const;
const v03 = makeBundle(pki, { version: '0.3', content: dsse, signer: { kind: 'keyless', leaf } });
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyBundle = makeBundle(pki, {
  version: '0.1',
  content: dsse,
  signer: { kind: 'key', privateKey: key.privateKey, publicKeyPem: '', hint: '' },
});
const keys = new Map([['release', key.publicKey]]);
const bare = sign('sha256', payload, key.privateKey);

function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(`${what} did not verify: the bench measures nothing`);
}

const samples = [
  await measure('baseline: one ECDSA P-256 verify', () => must(verify('sha256', payload, key.publicKey, bare), 'bare')),
  await measure('keyless cosign layer (chain, SCT, SET)', () =>
    must(verifyKeylessLayer({ layer, trust, tlog: 'required' }).ok, 'layer'),
  ),
  await measure('keyless v0.3 DSSE bundle (chain, SCT, SET, checkpoint)', () =>
    must(verifyBundle({ bundle: v03, trust, tlog: 'required', keys }).ok, 'v0.3'),
  ),
  await measure('key-based v0.1 DSSE bundle (SET)', () =>
    must(verifyBundle({ bundle: keyBundle, trust, tlog: 'required', keys }).ok, 'key'),
  ),
];
report('Sigstore verification, per signature', samples);
