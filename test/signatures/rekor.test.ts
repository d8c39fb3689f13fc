import t from 'tap';
import { createPublicKey } from 'node:crypto';
import { checkTlog, fingerprintOf, sigstoreTrustFromJson } from '../../src/signatures/internal.js';
import { signatureLayer, testSigner, TestRekor } from '../fixtures/signatures/cosign.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** checkTlog on a cosign signature logged by `rekor`, judged with `rekor`'s trusted root. */
function tlogOf(rekor: TestRekor) {
  const signer = testSigner();
  const layer = signatureLayer({ signer, repository: 'registry.example.com/app', digest: DIGEST, rekor });
  return checkTlog({
    tlog: 'required',
    bundle: layer.annotations['dev.sigstore.cosign/bundle'],
    trust: sigstoreTrustFromJson(rekor.trustedRoot()),
    claim: {
      signed: layer.payload,
      signature: Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'] ?? '', 'base64'),
      fingerprint: fingerprintOf(createPublicKey(signer.key)),
      envelope: 'message',
    },
  });
}

t.test('a Rekor entry is accepted while its log key is valid in the trusted root', async (t) => {
  t.same(tlogOf(new TestRekor()), { ok: true, integratedTime: 1_700_000_000 });
  t.same(tlogOf(new TestRekor({ validUntil: '2024-01-01T00:00:00Z' })), { ok: true, integratedTime: 1_700_000_000 });
});

t.test("a Rekor entry logged after the trusted root retired the log's key is refused, with both times", async (t) => {
  t.same(tlogOf(new TestRekor({ validUntil: '2023-01-01T00:00:00Z' })), {
    ok: false,
    reason:
      "its Rekor entry was logged at 2023-11-14T22:13:20.000Z, outside the time the trusted root gives that log's key (2021-01-01T00:00:00.000Z to 2023-01-01T00:00:00.000Z)",
  });
});
