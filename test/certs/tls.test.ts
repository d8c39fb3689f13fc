import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import t from 'tap';
import { generateCertificates, type CertificateMaterial } from '../../src/certs/internal.js';

const material = generateCertificates({ service: 'hook', namespace: 'gate' });

type Outcome = { readonly ok: true; readonly authorized: boolean } | { readonly ok: false; readonly code: string };

async function startServer(t: { teardown: (fn: () => void) => void }, m: CertificateMaterial): Promise<number> {
  const server = tls.createServer({ cert: m.certPem, key: m.keyPem }, (socket) => socket.end('hi'));
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return address.port;
}

function handshake(port: number, servername: string, ca: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca });
    socket.once('secureConnect', () => {
      resolve({ ok: true, authorized: socket.authorized });
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? err.message }));
  });
}

t.test('a client trusting only the CA reaches NAME.NS.svc', async (t) => {
  const port = await startServer(t, material);
  for (const name of ['hook.gate.svc', 'hook.gate.svc.cluster.local', 'hook.gate', 'hook']) {
    t.same(await handshake(port, name, material.caCertPem), { ok: true, authorized: true }, name);
  }
});

t.test('a name outside the SANs is refused', async (t) => {
  const port = await startServer(t, material);
  t.same(await handshake(port, 'other.gate.svc', material.caCertPem), { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  t.same(await handshake(port, 'hook.other.svc', material.caCertPem), { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
});

t.test('a client trusting another CA is refused', async (t) => {
  const port = await startServer(t, material);
  const otherCa = generateCertificates({ service: 'hook', namespace: 'gate' }).caCertPem;
  t.same(await handshake(port, 'hook.gate.svc', otherCa), { ok: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
});
