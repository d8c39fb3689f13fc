import t from 'tap';
import { connect, type ConnectionOptions } from 'node:tls';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingDecider } from '../fixtures/deciders.js';
import { startTestServer } from '../fixtures/server.js';
import { clientCertificate } from '../fixtures/client-cert.js';

/** Connects and sends one request: with TLS 1.3 a refused client cert shows up after the handshake. */
function exchange(opts: ConnectionOptions): Promise<{ ok: boolean; text: string; error?: string }> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', servername: 'localhost', ...opts }, () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.once('error', (err: Error) => resolve({ ok: false, text, error: err.message }));
    socket.once('close', () => resolve({ ok: text.startsWith('HTTP/1.1 200'), text }));
  });
}

t.test('with clientCAFile, only clients with a certificate from that CA get in (class 26)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-mtls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const apiserver = clientCertificate('imagegate.imagegate.svc');
  const stranger = clientCertificate('someone-else');
  const expired = clientCertificate('imagegate.imagegate.svc', { expired: true });
  await writeFile(join(dir, 'client-ca.crt'), `${apiserver.caPem}${expired.caPem}`);
  const srv = await startTestServer({
    decider: recordingDecider().decider,
    config: { server: { tls: { clientCAFile: join(dir, 'client-ca.crt') } } },
  });
  t.teardown(() => srv.close());
  const base = { port: srv.running.port, ca: srv.ca };
  t.match(
    await exchange({ ...base, cert: apiserver.certPem, key: apiserver.keyPem }),
    { ok: true },
    'the API server certificate is accepted',
  );
  t.match(await exchange(base), { ok: false }, 'no client certificate: refused');
  t.match(
    await exchange({ ...base, cert: stranger.certPem, key: stranger.keyPem }),
    { ok: false },
    'a certificate from another CA: refused',
  );
  t.match(
    await exchange({ ...base, cert: expired.certPem, key: expired.keyPem }),
    { ok: false },
    'an expired client certificate: refused',
  );
});
