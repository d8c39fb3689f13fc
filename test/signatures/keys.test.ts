/**
 * What an operator downloads or generates is accepted as is: every key type cosign signs with (its
 * `cosign.pub`, signatures made with the private key opened from cosign's encrypted key file),
 * and Sigstore's published `trusted_root.json`. The signatures config refuses what could never work.
 */
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { parseConfig } from '../../src/config/internal.js';
import { loadPublicKey, sigstoreTrustFromJson, verifiesWith } from '../../src/signatures/internal.js';
import { isRecord } from '../../src/guards/index.js';
import { openCosignKey, signWith, testSigner, type KeyKind } from '../fixtures/signatures/cosign.js';

const KINDS: readonly KeyKind[] = ['p256', 'p384', 'rsa', 'rsa-pss', 'ed25519'];

t.test('each key type: cosign.pub loads, and its signatures (key from the encrypted file) verify', async (t) => {
  for (const kind of KINDS) {
    const signer = testSigner(kind);
    t.match(signer.files.privatePem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/, `${kind}: cosign's key file`);
    const trusted = loadPublicKey({ authority: 'k', pem: signer.files.publicPem });
    t.match(trusted.fingerprint, /^sha256:[0-9a-f]{64}$/);
    const data = Buffer.from(`payload ${kind}`);
    const sig = signWith(signer.key, kind, data);
    t.ok(verifiesWith(data, sig, trusted.key), `${kind}: verifies`);
    t.notOk(verifiesWith(Buffer.from('other payload'), sig, trusted.key), `${kind}: not over other bytes`);
    t.notOk(verifiesWith(data, Buffer.from('garbage'), trusted.key), `${kind}: a malformed signature is just invalid`);
  }
});

t.test('the wrong password does not open the cosign key', async (t) => {
  const { files } = testSigner('p256');
  t.throws(() => openCosignKey({ ...files, password: 'wrong' }), /wrong password/);
});

t.test('keys cosign does not sign with, and private keys, are refused with the fix', async (t) => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
  t.throws(() => loadPublicKey({ authority: 'old', pem: weak.toString() }), {
    code: 'IMAGEGATE_SIGNATURES_CONFIG_INVALID',
    message: /signature authority old: a rsa key is not supported; use ECDSA P-256\/P-384, RSA ≥ 2048 bits or Ed25519/,
  });
  const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'pem' });
  t.throws(() => loadPublicKey({ authority: 'btc', pem: k1.toString() }), { message: /on secp256k1 is not supported/ });
  t.throws(() => loadPublicKey({ authority: 'x', pem: 'not a key' }), {
    message: /the key is not a PEM public key .*give the public key cosign wrote \(cosign\.pub\)/,
  });
});

t.test(
  "Sigstore's published trusted_root.json (from @sigstore/tuf's seed) gives the public Rekor log key",
  async (t) => {
    const seeds: unknown = JSON.parse(readFileSync('node_modules/@sigstore/tuf/seeds.json', 'utf8'));
    const repo = isRecord(seeds) ? seeds['https://tuf-repo-cdn.sigstore.dev'] : undefined;
    const targets = isRecord(repo) ? repo.targets : undefined;
    const root = isRecord(targets) ? targets['trusted_root.json'] : undefined;
    if (typeof root !== 'string') throw new Error('no trusted_root.json in the seed');
    const trust = sigstoreTrustFromJson(Buffer.from(root, 'base64'));
    // rekor.sigstore.dev's log id: sha256 of its public key.
    t.ok(trust.rekorKeys.has('c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d'));
    t.match(trust.revision, /^[0-9a-f]{64}$/);
    t.throws(() => sigstoreTrustFromJson(Buffer.from('{"tlogs":[]}')), { code: 'IMAGEGATE_SIGSTORE_TRUST_INVALID' });
  },
);

/** A `signatures` section with one policy; `top` is one more line of the section (default: a trusted root). */
const policyYaml = (extra: string, top = 'trustedRootFile: /r.json'): string =>
  `signatures:\n  ${top}\n  policies:\n    - repositories: [r.example.com/team]\n${extra}`;

t.test('the signatures config: defaults, unknown keys and impossible policies are refused at start-up', async (t) => {
  const c = parseConfig({
    text: policyYaml('      authorities: [{name: a, key: {pem: x}}]\n'),
    source: 'c.yaml',
  });
  const p = c.signatures.policies[0];
  t.same(
    [p?.tlog, p?.threshold, p?.multiArch, p?.matchReference, p?.attestations],
    ['required', 1, 'index', false, []],
  );
  t.same(c.signatures.limits, { maxSignatures: 32, maxReferrers: 1024, maxPayloadBytes: 262144 });
  const bad = (extra: string, message: RegExp, top?: string): void => {
    t.throws(() => parseConfig({ text: policyYaml(extra, top), source: 'c.yaml' }), { message });
  };
  bad('      authorities: [{name: a, key: {pem: x}}]\n      treshold: 2\n', /unknown key "treshold"/);
  bad(
    '      authorities: [{name: a, key: {pem: x}}]\n      threshold: 2\n',
    /threshold \(2\) is more than the 1 authorities listed/,
  );
  bad(
    '      authorities: [{name: a, key: {pem: x}, keyless: {issuer: i, subject: s}}]\n',
    /authorities\/0: set exactly one of key and keyless/,
  );
  bad('      authorities: [{name: a, keyless: {issuer: i}}]\n', /set exactly one of subject and subjectRegExp/);
  bad(
    '      authorities: [{name: a, keyless: {issuer: i, subjectRegExp: "("}}]\n',
    /is not a valid regular expression/,
  );
  bad(
    '      authorities: [{name: a, keyless: {issuer: i, subject: s}}]\n',
    /keyless authorities need Sigstore trust material: set \/signatures\/trustedRootFile/,
    'limits: {maxSignatures: 8}',
  );
  bad(
    '      authorities: [{name: a, key: {pem: x}}]\n',
    /tlog: required need Sigstore trust material.*or tlog: ignore/,
    'cacheTtlMs: 0',
  );
});
