import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import t from 'tap';
import { generateCertificates, type GenerateCertificatesOptions } from '../../src/certs/internal.js';
import { isImagegateError } from '../../src/errors/index.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const material = generateCertificates({ service: 'hook', namespace: 'gate', days: 30, now: () => NOW });
const leaf = new X509Certificate(material.certPem);
const ca = new X509Certificate(material.caCertPem);

interface ForgeExtension {
  readonly name?: string;
  readonly [key: string]: unknown;
}

function isExtension(value: unknown): value is ForgeExtension {
  return typeof value === 'object' && value !== null;
}

function extension(pem: string, name: string): ForgeExtension | undefined {
  const found: unknown = forge.pki.certificateFromPem(pem).getExtension(name);
  return isExtension(found) ? found : undefined;
}

t.test('serving certificate carries exactly the four service DNS SANs', async (t) => {
  t.equal(
    leaf.subjectAltName,
    'DNS:hook, DNS:hook.gate, DNS:hook.gate.svc, DNS:hook.gate.svc.cluster.local',
  );
});

t.test('serving certificate chains to the CA', async (t) => {
  t.ok(leaf.checkIssued(ca), 'issuer matches CA subject');
  t.ok(leaf.verify(ca.publicKey), 'signature verifies with the CA key');
  t.ok(ca.verify(ca.publicKey), 'CA is self-signed');
  const other = new X509Certificate(generateCertificates({ service: 'hook', namespace: 'gate' }).caCertPem);
  t.notOk(leaf.verify(other.publicKey), 'another CA does not verify it');
});

t.test('CA is a CA that may sign certificates; the leaf is a server certificate', async (t) => {
  t.equal(ca.ca, true);
  t.equal(leaf.ca, false);
  t.match(extension(material.caCertPem, 'keyUsage'), { keyCertSign: true });
  t.match(extension(material.certPem, 'keyUsage'), { digitalSignature: true, keyEncipherment: true, keyCertSign: false });
  t.same(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extKeyUsage is exactly serverAuth');
});

t.test('keys are RSA-2048, signatures SHA-256, keys match their certificates', async (t) => {
  for (const [cert, keyPem] of [[leaf, material.keyPem], [ca, material.caKeyPem]] as const) {
    t.equal(cert.publicKey.asymmetricKeyType, 'rsa');
    t.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    t.ok(cert.checkPrivateKey(createPrivateKey(keyPem)));
  }
  const sigOid = forge.pki.oids.sha256WithRSAEncryption;
  t.equal(forge.pki.certificateFromPem(material.certPem).signatureOid, sigOid);
  t.equal(forge.pki.certificateFromPem(material.caCertPem).signatureOid, sigOid);
});

t.test('serials are random positive 128-bit values in minimal DER', async (t) => {
  t.not(leaf.serialNumber, ca.serialNumber);
  for (const pem of [material.certPem, material.caCertPem]) {
    // forge reports the INTEGER content octets as encoded, so sign and minimality are visible.
    const encoded = forge.pki.certificateFromPem(pem).serialNumber;
    const bytes = Buffer.from(encoded, 'hex');
    const [first = 0, second = 0] = bytes;
    t.ok(first < 0x80, `serial ${encoded} is positive`);
    t.ok(first !== 0 || second >= 0x80, `serial ${encoded} has no redundant leading zero`);
    const value = BigInt(`0x${encoded}`);
    t.ok(value > 0n && value < 2n ** 128n, `serial ${encoded} in (0, 2^128)`);
    t.ok(value >= 2n ** 64n, `serial ${encoded} uses far more than 64 bits (fails with probability 2^-64)`);
  }
});

t.test('validity runs from shortly before now for the given number of days', async (t) => {
  const from = Date.parse(leaf.validFrom);
  const to = Date.parse(leaf.validTo);
  t.ok(from <= NOW.getTime() && from >= NOW.getTime() - 10 * 60_000, `validFrom ${leaf.validFrom}`);
  t.equal(to, NOW.getTime() + 30 * 86_400_000, `validTo ${leaf.validTo}`);
});

t.test('local development names and addresses can be added', async (t) => {
  const dev = new X509Certificate(
    generateCertificates({
      service: 'imagegate',
      namespace: 'imagegate',
      extraDnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1', '2001:db8::8:800:200c:417a'],
    }).certPem,
  );
  t.equal(dev.checkHost('localhost'), 'localhost');
  t.equal(dev.checkHost('imagegate.imagegate.svc'), 'imagegate.imagegate.svc');
  t.equal(dev.checkIP('127.0.0.1'), '127.0.0.1');
  t.equal(dev.checkIP('::1'), '::1');
  t.equal(dev.checkIP('2001:db8:0:0:8:800:200c:417a'), '2001:db8:0:0:8:800:200c:417a');
  t.equal(dev.checkIP('127.0.0.2'), undefined);
  t.match(dev.subjectAltName, /^DNS:imagegate, DNS:imagegate\.imagegate, DNS:imagegate\.imagegate\.svc, DNS:imagegate\.imagegate\.svc\.cluster\.local, DNS:localhost, IP Address:127\.0\.0\.1, /);
});

const invalid: readonly [string, Partial<GenerateCertificatesOptions>, string][] = [
  ['uppercase service', { service: 'Hook' }, 'Hook'],
  ['service with dot', { service: 'hook.x' }, 'hook.x'],
  ['empty namespace', { namespace: '' }, '""'],
  ['namespace ending in dash', { namespace: 'gate-' }, 'gate-'],
  ['64-char service', { service: 'a'.repeat(64) }, 'a'.repeat(64)],
  ['zero days', { days: 0 }, ' 0'],
  ['3651 days', { days: 3651 }, '3651'],
  ['fractional days', { days: 1.5 }, '1.5'],
  ['wildcard DNS name', { extraDnsNames: ['*.example.com'] }, '*.example.com'],
  ['bad IP', { ipAddresses: ['300.1.1.1'] }, '300.1.1.1'],
  ['IP with zone', { ipAddresses: ['fe80::1%eth0'] }, 'fe80::1%eth0'],
];

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

for (const [name, override, shown] of invalid) {
  t.test(`rejects ${name}`, async (t) => {
    const opts: GenerateCertificatesOptions = { service: 'hook', namespace: 'gate', ...override };
    const err = catchError(() => generateCertificates(opts));
    t.ok(isImagegateError(err, 'IMAGEGATE_CERTS_INVALID_OPTION'), 'code IMAGEGATE_CERTS_INVALID_OPTION');
    t.match(err, { message: shown }, 'message names the value');
  });
}

t.test('accepts the edge values', async (t) => {
  const cert = new X509Certificate(generateCertificates({ service: 'a'.repeat(63), namespace: '0-9', days: 3650 }).certPem);
  t.equal(cert.checkHost(`${'a'.repeat(63)}.0-9.svc`), `${'a'.repeat(63)}.0-9.svc`);
});
