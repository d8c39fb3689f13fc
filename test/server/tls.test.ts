import t from 'tap';
import { connect, type ConnectionOptions } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Agent, request } from 'undici';
import { podCase, review } from '../fixtures/reviews.js';
import { recordingDecider } from '../fixtures/deciders.js';
import { reviewResponse, startTestServer } from '../fixtures/server.js';
import { generateCertificates, writeCertificates } from '../../src/certs/internal.js';

function handshake(
  opts: ConnectionOptions,
): Promise<{ ok: true; alpn: string | false; fingerprint: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', servername: 'localhost', ...opts }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      resolve({ ok: true, alpn: socket.alpnProtocol ?? false, fingerprint });
      socket.end();
    });
    socket.once('error', (err: Error) => resolve({ ok: false, error: err.message }));
  });
}

t.test('protocol versions and ALPN (class 25)', async (t) => {
  const srv = await startTestServer({ decider: recordingDecider().decider });
  t.teardown(() => srv.close());
  const base = { port: srv.running.port, ca: srv.ca };
  for (const version of ['TLSv1', 'TLSv1.1'] as const) {
    const r = await handshake({ ...base, minVersion: version, maxVersion: version, ciphers: 'DEFAULT:@SECLEVEL=0' });
    t.equal(r.ok, false, `${version} handshake refused`);
  }
  t.match(await handshake({ ...base, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }), { ok: true }, 'TLS 1.2 accepted');
  t.match(await handshake({ ...base, minVersion: 'TLSv1.3' }), { ok: true }, 'TLS 1.3 accepted');
  t.match(
    await handshake({ ...base, ALPNProtocols: ['http/1.1'] }),
    { ok: true, alpn: 'http/1.1' },
    'http/1.1 negotiated',
  );
  t.match(await handshake({ ...base, ALPNProtocols: ['h2'] }), { ok: false }, 'an h2-only client is refused');
  t.match(
    await handshake({ port: srv.running.port }),
    { ok: false, error: /self[- ]signed|unable to verify|issuer/i },
    'the dev CA is not trusted by default',
  );
});

t.test('a certificate swapped on disk is served to new connections; 200 in-flight requests all succeed', async (t) => {
  const { decider, calls } = recordingDecider({ delayMs: 400 });
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const base = { port: srv.running.port, ca: srv.ca };
  const before = await handshake(base);
  if (!before.ok) throw new Error(`initial handshake failed: ${before.error}`);

  // 200 requests, each on its own connection, all in flight while the files change.
  const agent = new Agent({ connect: { ca: srv.ca, servername: 'localhost' }, connections: 200, pipelining: 0 });
  t.teardown(() => agent.close());
  const inFlight = Array.from({ length: 200 }, (_, i) =>
    request(`${srv.url}/validate`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(review(podCase, { uid: `uid-${i}` })),
    }).then(async (res) => ({ status: res.statusCode, json: await res.body.json() })),
  );
  while (calls.length < 200) await new Promise((r) => setTimeout(r, 10));

  const next = generateCertificates({
    service: 'imagegate',
    namespace: 'imagegate',
    extraDnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  await writeCertificates({ dir: srv.dir, material: next });
  const newFingerprint = new X509Certificate(next.certPem).fingerprint256;

  let after = await handshake({ ...base, ca: next.caCertPem });
  for (let i = 0; i < 100 && !(after.ok && after.fingerprint === newFingerprint); i++) {
    await new Promise((r) => setTimeout(r, 20));
    after = await handshake({ ...base, ca: next.caCertPem });
  }
  t.match(after, { ok: true, fingerprint: newFingerprint }, 'new connections get the new certificate');
  t.not(before.fingerprint, newFingerprint);

  const results = await Promise.all(inFlight);
  const succeeded = results.filter((r) => r.status === 200 && reviewResponse(r.json).allowed === true);
  t.equal(succeeded.length, 200, 'all 200 in-flight admissions succeed across the swap');
  const uids = new Set(results.map((r) => reviewResponse(r.json).uid));
  t.equal(uids.size, 200, 'each answer carries its own uid');
});

t.test('a half-written swap (cert without its key) is not applied', async (t) => {
  const srv = await startTestServer({ decider: recordingDecider().decider });
  t.teardown(() => srv.close());
  const base = { port: srv.running.port, ca: srv.ca };
  const before = await handshake(base);
  const next = generateCertificates({ service: 'imagegate', namespace: 'imagegate', extraDnsNames: ['localhost'] });
  const { writeFile } = await import('node:fs/promises');
  await writeFile(`${srv.dir}/tls.crt`, next.certPem);
  await new Promise((r) => setTimeout(r, 200));
  const during = await handshake(base);
  t.match(during, { ok: true, fingerprint: before.ok ? before.fingerprint : 'x' }, 'the old pair keeps being served');
  t.match(srv.logs.join('\n'), /certificate change not applied/);
  const res = await srv.post('/validate', review(podCase));
  t.equal(res.status, 200);
});
