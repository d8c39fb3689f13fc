import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCertsCommand } from '../../src/certs/index.js';

const NOW = new Date('2031-01-15T08:00:00.000Z');

t.test('certs command writes the files and prints paths, SANs, expiry and caBundle', async (t) => {
  const base = await mkdtemp(join(tmpdir(), 'imagegate-certs-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const out = join(base, 'out');
  const lines: string[] = [];
  const paths = await runCertsCommand({ service: 'hook', namespace: 'gate', out, days: 10, now: () => NOW, stdout: (l) => lines.push(l) });
  const text = lines.join('\n');

  for (const path of [paths.caCertPath, paths.caKeyPath, paths.certPath, paths.keyPath]) {
    t.ok(text.includes(path), `prints ${path}`);
    t.ok((await stat(path)).isFile());
  }
  t.match(text, 'DNS:hook, DNS:hook.gate, DNS:hook.gate.svc, DNS:hook.gate.svc.cluster.local');
  t.match(text, '2031-01-25T08:00:00.000Z');

  const bundleLine = lines.find((l) => l.startsWith('caBundle: '));
  const caPem = await readFile(paths.caCertPath, 'utf8');
  t.equal(bundleLine, `caBundle: ${Buffer.from(caPem).toString('base64')}`);
  t.ok(new X509Certificate(await readFile(paths.certPath, 'utf8')).verify(new X509Certificate(caPem).publicKey));

  t.notMatch(text, /PRIVATE KEY/, 'no PEM key block printed');
  for (const keyPath of [paths.keyPath, paths.caKeyPath]) {
    const body = (await readFile(keyPath, 'utf8')).split('\n').filter((l) => !l.startsWith('-----') && l.length > 0);
    t.ok(body.every((l) => !text.includes(l)), `no line of ${keyPath} printed`);
  }
});

t.test('certs command rejects bad days before writing anything', async (t) => {
  const base = await mkdtemp(join(tmpdir(), 'imagegate-certs-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const out = join(base, 'out');
  const lines: string[] = [];
  await t.rejects(runCertsCommand({ service: 'hook', namespace: 'gate', out, days: 4000, stdout: (l) => lines.push(l) }), {
    code: 'IMAGEGATE_CERTS_INVALID_OPTION',
    message: '4000',
  });
  await t.rejects(stat(out), { code: 'ENOENT' });
  t.same(lines, []);
});
