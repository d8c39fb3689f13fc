import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import t from 'tap';
import { ensureDevCertificates } from '../../src/certs/index.js';
import { generateCertificates, writeCertificates } from '../../src/certs/internal.js';

const DAY_MS = 86_400_000;

async function tempDir(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-certs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function serial(path: string): Promise<string> {
  return new X509Certificate(await readFile(path, 'utf8')).serialNumber;
}

t.test('generates into an empty directory, then reuses the files', async (t) => {
  const dir = await tempDir(t);
  const made = await ensureDevCertificates({ dir });
  t.same(made, { certPath: join(dir, 'tls.crt'), keyPath: join(dir, 'tls.key'), caPath: join(dir, 'ca.crt'), created: true });
  t.equal((await stat(made.keyPath)).mode & 0o777, 0o600);
  const cert = new X509Certificate(await readFile(made.certPath, 'utf8'));
  t.equal(cert.checkHost('imagegate.imagegate.svc'), 'imagegate.imagegate.svc');
  t.equal(cert.checkHost('localhost'), 'localhost');
  t.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  t.equal(cert.checkIP('::1'), '::1');

  const before = await serial(made.certPath);
  const again = await ensureDevCertificates({ dir });
  t.equal(again.created, false);
  t.equal(await serial(again.certPath), before, 'same certificate kept');
});

t.test('a laptop client can reach the dev certificate at 127.0.0.1', async (t) => {
  const dir = await tempDir(t);
  const made = await ensureDevCertificates({ dir });
  const server = tls.createServer({ cert: await readFile(made.certPath), key: await readFile(made.keyPath) }, (s) => s.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const socket = tls.connect({ host: '127.0.0.1', port: address.port, ca: await readFile(made.caPath) });
  await once(socket, 'secureConnect');
  t.equal(socket.authorized, true);
  socket.destroy();
});

t.test('regenerates an expired certificate', async (t) => {
  const dir = await tempDir(t);
  const made = await ensureDevCertificates({ dir });
  const before = await serial(made.certPath);
  const later = new Date(Date.now() + 400 * DAY_MS);
  const again = await ensureDevCertificates({ dir, now: () => later });
  t.equal(again.created, true);
  t.not(await serial(again.certPath), before);
  const cert = new X509Certificate(await readFile(again.certPath, 'utf8'));
  t.ok(Date.parse(cert.validTo) > later.getTime(), 'new certificate valid at the later time');
});

t.test('regenerates when the key does not match the certificate', async (t) => {
  const dir = await tempDir(t);
  const made = await ensureDevCertificates({ dir });
  const stranger = generateCertificates({ service: 'imagegate', namespace: 'imagegate' });
  await writeFile(made.keyPath, stranger.keyPem);
  t.equal((await ensureDevCertificates({ dir })).created, true);
  t.equal((await ensureDevCertificates({ dir })).created, false, 'and the regenerated pair is reused');
});

t.test('regenerates when the certificate lacks the requested names', async (t) => {
  const dir = await tempDir(t);
  await ensureDevCertificates({ dir });
  t.equal((await ensureDevCertificates({ dir, service: 'other' })).created, true, 'other service');
  const cert = new X509Certificate(await readFile(join(dir, 'tls.crt'), 'utf8'));
  t.equal(cert.checkHost('other.imagegate.svc'), 'other.imagegate.svc');
  // An in-cluster certificate without localhost is not a dev certificate.
  await writeCertificates({ dir, material: generateCertificates({ service: 'imagegate', namespace: 'imagegate' }) });
  t.equal((await ensureDevCertificates({ dir })).created, true, 'no localhost SAN');
});

t.test('regenerates when ca.crt is missing or did not sign tls.crt', async (t) => {
  const dir = await tempDir(t);
  await ensureDevCertificates({ dir });
  await rm(join(dir, 'ca.crt'));
  t.equal((await ensureDevCertificates({ dir })).created, true, 'missing ca.crt');
  const other = generateCertificates({ service: 'imagegate', namespace: 'imagegate' });
  await writeFile(join(dir, 'ca.crt'), other.caCertPem);
  t.equal((await ensureDevCertificates({ dir })).created, true, 'foreign ca.crt');
});

t.test('rejects an invalid service name', async (t) => {
  const dir = await tempDir(t);
  await t.rejects(ensureDevCertificates({ dir, service: 'Not_Valid' }), { code: 'IMAGEGATE_CERTS_INVALID_OPTION', message: 'Not_Valid' });
});
