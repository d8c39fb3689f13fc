import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir, chmod, readdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { caBundle, generateCertificates, writeCertificates } from '../../src/certs/internal.js';
import { isImagegateError } from '../../src/errors/index.js';

const material = generateCertificates({ service: 'hook', namespace: 'gate' });

async function tempDir(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-certs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

t.test('writes the four Kubernetes TLS secret files with their content', async (t) => {
  const dir = await tempDir(t);
  const paths = await writeCertificates({ dir, material });
  t.same(paths, {
    caCertPath: join(dir, 'ca.crt'),
    caKeyPath: join(dir, 'ca.key'),
    certPath: join(dir, 'tls.crt'),
    keyPath: join(dir, 'tls.key'),
  });
  t.equal(await readFile(paths.caCertPath, 'utf8'), material.caCertPem);
  t.equal(await readFile(paths.caKeyPath, 'utf8'), material.caKeyPem);
  t.equal(await readFile(paths.certPath, 'utf8'), material.certPem);
  t.equal(await readFile(paths.keyPath, 'utf8'), material.keyPem);
  t.equal(await mode(paths.caKeyPath), 0o600);
  t.equal(await mode(paths.keyPath), 0o600);
  t.same((await readdir(dir)).sort(), ['ca.crt', 'ca.key', 'tls.crt', 'tls.key'], 'no temp files left behind');
});

t.test('private keys end up 0600 even when pre-created 0644 and the umask is permissive', async (t) => {
  const dir = await tempDir(t);
  for (const name of ['ca.key', 'tls.key']) {
    await writeFile(join(dir, name), 'old', { mode: 0o644 });
    await chmod(join(dir, name), 0o644);
  }
  const previous = process.umask(0);
  t.teardown(() => process.umask(previous));
  const paths = await writeCertificates({ dir, material });
  t.equal(await mode(paths.caKeyPath), 0o600);
  t.equal(await mode(paths.keyPath), 0o600);
  t.equal(await readFile(paths.keyPath, 'utf8'), material.keyPem);
});

t.test('a symlink planted at tls.key is replaced, not written through', async (t) => {
  const dir = await tempDir(t);
  const target = join(dir, 'elsewhere');
  await writeFile(target, 'untouched', { mode: 0o644 });
  await mkdir(join(dir, 'out'));
  await symlink(target, join(dir, 'out', 'tls.key'));
  await writeCertificates({ dir: join(dir, 'out'), material });
  t.equal(await readFile(target, 'utf8'), 'untouched');
  t.equal(await mode(join(dir, 'out', 'tls.key')), 0o600);
});

t.test('a missing directory is created 0700, nested ones too', async (t) => {
  const dir = join(await tempDir(t), 'a', 'b');
  await writeCertificates({ dir, material });
  t.equal(await mode(dir), 0o700);
});

t.test('an unwritable directory gives IMAGEGATE_CERTS_WRITE_FAILED naming the path', { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false }, async (t) => {
  const dir = await tempDir(t);
  await chmod(dir, 0o500);
  t.teardown(() => chmod(dir, 0o700));
  await t.rejects(writeCertificates({ dir, material }), { code: 'IMAGEGATE_CERTS_WRITE_FAILED', message: join(dir, 'ca.key') });
});

t.test('a file where the directory should be gives IMAGEGATE_CERTS_WRITE_FAILED', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'file'), '');
  const err: unknown = await writeCertificates({ dir: join(dir, 'file', 'sub'), material }).catch((e: unknown) => e);
  t.ok(isImagegateError(err, 'IMAGEGATE_CERTS_WRITE_FAILED'));
});

t.test('caBundle is base64 of the CA PEM', async (t) => {
  const bundle = caBundle(material.caCertPem);
  t.match(bundle, /^[A-Za-z0-9+/]+=*$/);
  const decoded = Buffer.from(bundle, 'base64').toString('utf8');
  t.equal(decoded, material.caCertPem);
  t.ok(new X509Certificate(decoded).ca);
});
