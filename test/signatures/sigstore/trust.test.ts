import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isImagegateError } from '../../../src/errors/index.js';
import { loadSigstoreTrust, sigstoreTrustFromJson } from '../../../src/signatures/sigstore/trust.js';
import { verifyBundle } from '../../../src/signatures/sigstore/verify.js';
import { createTestPki, issueLeaf } from '../../fixtures/signatures/sigstore-pki.js';
import { IN_TOTO, inTotoStatement, makeBundle } from '../../fixtures/signatures/sigstore-signer.js';
import { startTufRepo } from '../../fixtures/signatures/sigstore-tuf.js';

const publicRootFile = join(
  import.meta.dirname,
  '..',
  '..',
  'fixtures',
  'signatures',
  'sigstore-public-trusted-root.json',
);
const publicRoot = readFileSync(publicRootFile);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'imagegate-tuf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test("the public trusted_root.json as Sigstore's TUF repository publishes it is accepted as is", async (t) => {
  const trust = sigstoreTrustFromJson(publicRoot);
  t.equal(trust.revision, sha256(publicRoot));
  // rekor.sigstore.dev: log id c0d23d6a… is the sha256 of its P-256 key.
  const rekor = trust.rekorKeys.get('c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d');
  t.equal(rekor?.key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  t.equal(rekor?.validFromMs, Date.parse('2021-01-12T11:53:27Z'), 'its validity from the root');
  t.equal(trust.material.certificateAuthorities.length, 2, 'Fulcio: the 2021 root and the current chain');
  t.ok(trust.material.ctlogs.length >= 1, 'CT log keys');
  t.ok(trust.material.tlogs.length >= 1, 'Rekor keys');
});

t.test('a trusted root that is not one is refused with IMAGEGATE_SIGSTORE_TRUST_INVALID', async (t) => {
  const json = JSON.parse(publicRoot.toString()) as unknown;
  const cases: [string, Uint8Array, RegExp][] = [
    ['not JSON', Buffer.from('{"mediaType":'), /expected UTF-8 JSON, but/],
    ['not UTF-8', Buffer.from([0xff, 0xfe]), /expected UTF-8 JSON, but/],
    ['an array', Buffer.from('[]'), /expected a JSON object/],
    [
      'another document',
      Buffer.from(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' })),
      /expected mediaType application\/vnd\.dev\.sigstore\.trustedroot\+json;version=0\.x, found "application\/vnd\.dev\.sigstore\.bundle\.v0\.3\+json"/,
    ],
    [
      'empty',
      Buffer.from(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' })),
      /at least one certificate authority or transparency log, found neither/,
    ],
    [
      'a damaged key',
      Buffer.from(
        JSON.stringify(json).replace(/"rawBytes":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y/, '"rawBytes":"AAAA'),
      ),
      /expected parseable keys and certificates|DER SPKI public key/,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    t.throws(() => sigstoreTrustFromJson(bytes), { code: 'IMAGEGATE_SIGSTORE_TRUST_INVALID', message }, name);
  }
});

t.test(
  'loadSigstoreTrust reads the file; a missing file or no source is IMAGEGATE_SIGSTORE_TRUST_UNAVAILABLE',
  async (t) => {
    const trust = await loadSigstoreTrust({ trustedRootFile: publicRootFile });
    t.equal(trust.revision, sha256(publicRoot));
    await t.rejects(loadSigstoreTrust({ trustedRootFile: join(tempDir(t), 'missing.json') }), {
      code: 'IMAGEGATE_SIGSTORE_TRUST_UNAVAILABLE',
      message: /missing\.json cannot be read.*Fix: configure a trusted_root\.json file/,
    });
    await t.rejects(loadSigstoreTrust({}), {
      code: 'IMAGEGATE_SIGSTORE_TRUST_UNAVAILABLE',
      message: /neither trustedRootFile nor tuf is configured/,
    });
    const readFile = (): Uint8Array => Buffer.from('{}');
    await t.rejects(loadSigstoreTrust({ trustedRootFile: 'x.json', readFile }), {
      code: 'IMAGEGATE_SIGSTORE_TRUST_INVALID',
      message: /^the file x\.json is not a Sigstore trusted root/,
    });
  },
);

t.test('TUF: refreshed from the mirror, then from its cache offline, then from the file', async (t) => {
  const pki = await createTestPki();
  const repo = await startTufRepo(pki.trustedRootJson);
  t.teardown(() => repo.close());
  const dir = tempDir(t);
  const rootFile = join(dir, 'root.json');
  writeFileSync(rootFile, repo.rootJson);
  const tuf = { mirror: repo.url, cacheDir: join(dir, 'cache'), rootFile };

  const online = await loadSigstoreTrust({ tuf, trustedRootFile: publicRootFile });
  t.equal(online.revision, sha256(pki.trustedRootJson), 'the mirror wins over the file');
  // The trust material from TUF verifies what the test PKI signs.
  const leaf = await issueLeaf(pki, { issuer: 'https://issuer.test', subject: 'dev@acme.test' });
  const bundle = makeBundle(pki, {
    version: '0.3',
    content: { kind: 'dsse', payloadType: IN_TOTO, payload: inTotoStatement(`sha256:${'a'.repeat(64)}`, 'x', {}) },
    signer: { kind: 'keyless', leaf },
  });
  t.match(verifyBundle({ bundle, trust: online, tlog: 'required', keys: new Map() }), { ok: true });

  await repo.close();
  const offline = await loadSigstoreTrust({ tuf, trustedRootFile: publicRootFile, tufTimeoutMs: 2000 });
  t.equal(offline.revision, sha256(pki.trustedRootJson), 'offline: the verified cache');

  const fresh = { ...tuf, cacheDir: join(dir, 'empty-cache') };
  const fallback = await loadSigstoreTrust({ tuf: fresh, trustedRootFile: publicRootFile, tufTimeoutMs: 2000 });
  t.equal(fallback.revision, sha256(publicRoot), 'offline without a cache: the file');
  await t.rejects(loadSigstoreTrust({ tuf: fresh, tufTimeoutMs: 2000 }), {
    code: 'IMAGEGATE_SIGSTORE_TRUST_UNAVAILABLE',
    message: new RegExp(`the TUF mirror ${repo.url} \\(online\\) failed: .*\\(its on-disk cache\\) failed`),
  });
});

t.test('TUF: a target that does not match the signed targets metadata is never used', async (t) => {
  const pki = await createTestPki();
  const repo = await startTufRepo(pki.trustedRootJson);
  t.teardown(() => repo.close());
  const dir = tempDir(t);
  const rootFile = join(dir, 'root.json');
  writeFileSync(rootFile, repo.rootJson);
  const other = await createTestPki();
  repo.tamperTarget(other.trustedRootJson);
  const tuf = { mirror: repo.url, cacheDir: join(dir, 'cache'), rootFile };
  const err: unknown = await loadSigstoreTrust({ tuf }).catch((e: unknown) => e);
  t.ok(isImagegateError(err, 'IMAGEGATE_SIGSTORE_TRUST_UNAVAILABLE'), 'no trust material rather than the tampered one');
  const trust = await loadSigstoreTrust({ tuf, trustedRootFile: publicRootFile });
  t.equal(trust.revision, sha256(publicRoot), 'the file, not the tampered target');
});
