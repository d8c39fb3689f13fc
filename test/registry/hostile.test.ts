import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRegistryPinner } from '../../src/registry/index.js';
import type { RegistryPinner } from '../../src/registry/internal.js';
import { fakeAgent, goodImage, goodIndex, otherImage, serveManifest, startFake, type Fake } from './fakes.js';
import { longSignal, manualClock, pinnedOf, reasonOf, ref, registriesConfig } from './helpers.js';

const agent = fakeAgent();
t.teardown(() => agent.close());

type Host = Record<string, unknown> & { host: string };

/** A pinner trusting the fakes' CA through the shared agent. */
function pinner(t: Test, hosts: Host[], extra: Record<string, unknown> = {}): RegistryPinner {
  const p = createRegistryPinner({
    registries: registriesConfig({ hosts, ...extra }),
    dispatcher: agent,
    random: () => 0.5,
  });
  t.teardown(() => p.close());
  return p;
}

async function fake(
  t: Test,
  handler: (req: IncomingMessage, res: ServerResponse, f: Fake) => void,
  plain = false,
): Promise<Fake> {
  const f = await startFake(handler, { plain });
  t.teardown(() => f.close());
  return f;
}

async function pinOne(p: RegistryPinner, image: string): Promise<ReturnType<typeof reasonOf> | undefined> {
  const [out] = await p.pin({ images: [ref(image)], signal: longSignal() });
  return out?.kind === 'unresolved' ? out.reason : undefined;
}

const ok = (req: IncomingMessage, res: ServerResponse): void => serveManifest(res, req, goodImage);

t.test('an image on a host the config does not list: unresolved with zero connections', async (t) => {
  const outsider = await fake(t, ok);
  const listed = await fake(t, ok);
  const p = pinner(t, [{ host: listed.host }]);
  const reason = await pinOne(p, `${outsider.host}/team/app:1`);
  t.equal(
    reason,
    `registry ${outsider.host}: not in the trusted registries (registries.hosts): use an image under registries.hosts, or add its host (or repository: registries.hosts[].repositories) there in the config (image ${outsider.host}/team/app:1)`,
  );
  t.equal(outsider.connections, 0, 'the untrusted fake saw no connection at all');
  t.equal(listed.connections, 0);
});

t.test('host matching is exact: case folded, port kept, no suffix tricks', async (t) => {
  const f = await fake(t, ok);
  const p = pinner(t, [{ host: 'Trusted.Example.com' }, { host: f.host }]);
  for (const image of [
    'trusted.example.com.evil.io/app:1',
    'evil.io/trusted.example.com/app:1',
    'trusted.example.com:443/app:1',
    '127.0.0.1/team/app:1',
  ]) {
    t.match(await pinOne(p, image), /not in the trusted registries/, image);
  }
  t.equal(
    pinnedOf((await p.pin({ images: [ref(`${f.host.toUpperCase()}/team/app:1`)], signal: longSignal() }))[0]),
    `${f.host.toUpperCase()}/team/app:1@${goodImage.manifest.digest}`,
  );
});

t.test('headers never sent: the lookup deadline fires and the socket is closed', async (t) => {
  const f = await fake(t, () => undefined);
  const p = pinner(t, [{ host: f.host, timeoutMs: 500 }]);
  const reason = await pinOne(p, `${f.host}/team/app:1`);
  t.match(
    reason,
    new RegExp(
      `^registry ${f.host}: no complete answer within the deadline .*timeoutMs = 500 ms.*\\(image ${f.host}/team/app:1\\)$`,
    ),
  );
  t.equal(await f.openAfter(5_000), 0, 'the fake saw its sockets closed');
});

t.test('a body dripped one byte at a time is cut by the overall deadline', async (t) => {
  const f = await fake(t, (req, res) => {
    res.writeHead(200, {
      'content-type': goodImage.manifest.mediaType,
      'content-length': String(goodImage.manifest.bytes.length),
    });
    let i = 0;
    const timer = setInterval(() => {
      if (i < goodImage.manifest.bytes.length) res.write(goodImage.manifest.bytes.subarray(i, ++i));
    }, 100);
    res.on('close', () => clearInterval(timer));
  });
  const p = pinner(t, [{ host: f.host, timeoutMs: 700 }]);
  t.match(await pinOne(p, `${f.host}/team/app:1`), /no complete answer within the deadline/);
  await f.allClosed();
});

t.test('the caller signal (review deadline) ends a lookup early', async (t) => {
  const f = await fake(t, () => undefined);
  const p = pinner(t, [{ host: f.host, timeoutMs: 60_000 }]);
  const [out] = await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: AbortSignal.timeout(200) });
  t.match(reasonOf(out), /no answer within the review deadline/);
  t.equal(await f.openAfter(5_000), 0, 'the socket was closed once no caller waited');
});

t.test('a redirect loop stops after 3 hops', async (t) => {
  const f = await fake(t, (req, res) => {
    res.writeHead(307, { location: `/v2/team/app/manifests/1?hop=${Math.random()}` });
    res.end();
  });
  const p = pinner(t, [{ host: f.host }]);
  t.match(
    await pinOne(p, `${f.host}/team/app:1`),
    /^registry [^:]+:\d+: more than 3 redirects \(a loop\?\): add the redirect target/,
  );
  t.equal(f.requests.length, 4, 'the first request and 3 redirects; never 25');
});

t.test('a redirect from https to plain http is refused even to an allowed host', async (t) => {
  const plain = await fake(t, ok, true);
  const f = await fake(t, (req, res) => {
    res.writeHead(307, { location: `http://${plain.host}/v2/team/app/manifests/1` });
    res.end();
  });
  const p = pinner(t, [{ host: f.host, allowedHosts: [plain.host] }]);
  t.match(await pinOne(p, `${f.host}/team/app:1`), /a redirect to 127\.0\.0\.1:\d+ downgrades https to plain http/);
  t.equal(plain.connections, 0);
});

t.test('a redirect to a host not allowed is refused without contacting it', async (t) => {
  const elsewhere = await fake(t, ok);
  const f = await fake(t, (req, res) => {
    res.writeHead(302, { location: `https://${elsewhere.host}/v2/team/app/manifests/1` });
    res.end();
  });
  const p = pinner(t, [{ host: f.host, credentials: { username: 'u', password: 'p' } }, { host: elsewhere.host }]);
  t.match(
    await pinOne(p, `${f.host}/team/app:1`),
    `a redirect points to ${elsewhere.host}, which is not in registries.hosts[].allowedHosts`,
  );
  t.equal(elsewhere.connections, 0, 'being a trusted registry itself does not make it a redirect target');
});

t.test('a redirect to an allowed host is followed without the Authorization header', async (t) => {
  const blobs = await fake(t, ok);
  const f = await fake(t, (req, res) => {
    if (req.headers.authorization === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' });
      res.end();
      return;
    }
    res.writeHead(307, { location: `https://${blobs.host}${req.url ?? ''}` });
    res.end();
  });
  const p = pinner(t, [{ host: f.host, allowedHosts: [blobs.host], credentials: { username: 'u', password: 'p' } }]);
  const [out] = await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() });
  t.equal(pinnedOf(out), `${f.host}/team/app:1@${goodImage.manifest.digest}`);
  t.ok(
    f.requests.some((r) => r.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`),
    'the registry got the credentials',
  );
  t.same(
    blobs.requests.map((r) => `${r.method} ${r.url}`),
    ['GET /v2/team/app/manifests/1'],
    'the one GET by tag followed the redirect',
  );
  t.same(
    blobs.requests.filter((r) => r.headers.authorization !== undefined),
    [],
    'the other host never saw Authorization',
  );
});

t.test('a 50 MB streamed manifest is aborted at the 4 MiB cap', async (t) => {
  let written = 0;
  const f = await fake(t, (req, res) => {
    res.writeHead(200, {
      'content-type': goodImage.manifest.mediaType,
      'docker-content-digest': goodImage.manifest.digest,
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (written < 50 * 1024 * 1024 && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  const p = pinner(t, [{ host: f.host }]);
  t.match(
    await pinOne(p, `${f.host}/team/app:1`),
    /the response exceeds the limit of 4194304 bytes: raise registries\.maxManifestBytes/,
  );
  await f.allClosed();
  t.ok(written < 20 * 1024 * 1024, `the fake stopped early (${written} bytes written, buffers included)`);
});

t.test('a declared Content-Length over the cap is refused before reading', async (t) => {
  const f = await fake(t, (req, res) => {
    res.writeHead(200, {
      'content-type': goodImage.manifest.mediaType,
      'content-length': String(50 * 1024 * 1024),
      'docker-content-digest': goodImage.manifest.digest,
    });
    res.end();
    req.socket.destroy();
  });
  const p = pinner(t, [{ host: f.host }]);
  t.match(
    await pinOne(p, `${f.host}/team/app:1`),
    /the response declares 52428800 bytes, over the limit of 4194304: raise registries\.maxManifestBytes/,
  );
  t.equal(f.requests.length, 1, 'refused as declared, never retried');
});

function bigIndex(entries: number): Buffer {
  const one = (i: number): string =>
    JSON.stringify({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      size: 1,
    });
  const parts: string[] = [];
  for (let i = 0; i < entries; i++) parts.push(one(i));
  return Buffer.from(
    `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[${parts.join(',')}]}`,
  );
}

t.test('an index with 100k entries (about 11 MB) is cut at the byte cap', async (t) => {
  const body = bigIndex(100_000);
  const f = await fake(t, (req, res) => {
    res.writeHead(200, {
      'content-type': 'application/vnd.oci.image.index.v1+json',
      'docker-content-digest': `sha256:${'0'.repeat(64)}`,
    });
    res.end(body);
  });
  const p = pinner(t, [{ host: f.host }]);
  t.match(await pinOne(p, `${f.host}/team/app:1`), /the response exceeds the limit of 4194304 bytes/);
});

t.test('an index over the entry limit (honest digest) is LIMIT_EXCEEDED', async (t) => {
  const body = bigIndex(2_000);
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const f = await fake(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json', 'docker-content-digest': digest });
    res.end(body);
  });
  const p = pinner(t, [{ host: f.host }]);
  t.match(
    await pinOne(p, `${f.host}/team/app:1`),
    /the index lists 2000 manifests, over the limit of 1024: raise registries\.maxManifestBytes or registries\.maxIndexEntries/,
  );
});

t.test('a lying Docker-Content-Digest is a digest mismatch, never pinned', async (t) => {
  const f = await fake(t, (req, res) => {
    // The header names goodImage; the bytes are otherImage's.
    res.writeHead(200, {
      'content-type': otherImage.manifest.mediaType,
      'docker-content-digest': goodImage.manifest.digest,
    });
    res.end(otherImage.manifest.bytes);
  });
  const p = pinner(t, [{ host: f.host }]);
  t.match(
    await pinOne(p, `${f.host}/team/app:1`),
    `the registry claims ${goodImage.manifest.digest} but the manifest it served hashes to ${otherImage.manifest.digest}`,
  );
  t.same(
    f.requests.map((r) => `${r.method} ${r.url}`),
    ['GET /v2/team/app/manifests/1'],
    'one GET by tag, nothing pinned from the header',
  );
});

t.test('without Docker-Content-Digest the bytes received decide the digest', async (t) => {
  const f = await fake(t, (req, res) => {
    res.writeHead(200, { 'content-type': goodImage.manifest.mediaType });
    res.end(goodImage.manifest.bytes);
  });
  const p = pinner(t, [{ host: f.host }]);
  t.equal(
    pinnedOf((await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() }))[0]),
    `${f.host}/team/app:1@${goodImage.manifest.digest}`,
  );
  t.equal(f.requests.length, 1, 'one GET by tag');
});

t.test('a registry naming sha512 is pinned by the sha512 of the bytes; a lying sha512 is refused', async (t) => {
  const sha512 = `sha512:${createHash('sha512').update(goodImage.manifest.bytes).digest('hex')}`;
  const lie = `sha512:${createHash('sha512').update(otherImage.manifest.bytes).digest('hex')}`;
  const f = await fake(t, (req, res) => {
    res.writeHead(200, {
      'content-type': goodImage.manifest.mediaType,
      'docker-content-digest': req.url?.includes('/team/liar/') === true ? lie : sha512,
    });
    res.end(goodImage.manifest.bytes);
  });
  const p = pinner(t, [{ host: f.host }]);
  t.equal(
    pinnedOf((await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() }))[0]),
    `${f.host}/team/app:1@${sha512}`,
  );
  t.match(
    await pinOne(p, `${f.host}/team/liar:1`),
    `the registry claims ${lie} but the manifest it served hashes to ${sha512}`,
  );
});

t.test('a token realm on another host is refused without contacting it', async (t) => {
  const tokens = await fake(t, ok);
  const f = await fake(t, (req, res) => {
    res.writeHead(401, { 'www-authenticate': `Bearer realm="https://${tokens.host}/token",service="fake"` });
    res.end();
  });
  const p = pinner(t, [{ host: f.host, credentials: { username: 'u', password: 'p' } }]);
  t.match(
    await pinOne(p, `${f.host}/team/app:1`),
    `the token realm is on ${tokens.host}, which is not in registries.hosts[].allowedHosts: add the token service host`,
  );
  t.equal(tokens.connections, 0);
});

t.test('429 with Retry-After 60 beyond the deadline fails at once, without retrying', async (t) => {
  const f = await fake(t, (req, res) => {
    res.writeHead(429, { 'retry-after': '60' });
    res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"<script>upstream text</script>"}]}');
  });
  const p = pinner(t, [{ host: f.host, timeoutMs: 5_000 }]);
  const reason = await pinOne(p, `${f.host}/team/app:1`);
  t.match(reason, /rate limited \(HTTP 429, retry after 60 s, beyond the lookup deadline\)/);
  t.notMatch(reason, /upstream text|TOOMANYREQUESTS/, 'the upstream body is never echoed');
  t.equal(f.requests.length, 1);
});

t.test('429 with a Retry-After that fits is honoured', async (t) => {
  let n = 0;
  const f = await fake(t, (req, res) => {
    if (n++ === 0) {
      res.writeHead(429, { 'retry-after': '1' });
      return void res.end();
    }
    serveManifest(res, req, goodImage);
  });
  const p = pinner(t, [{ host: f.host, timeoutMs: 5_000 }]);
  t.equal(
    pinnedOf((await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() }))[0]),
    `${f.host}/team/app:1@${goodImage.manifest.digest}`,
  );
  t.equal(f.requests.length, 2, 'the 429, then one GET');
});

t.test('5xx then success: the idempotent request is retried', async (t) => {
  let n = 0;
  const f = await fake(t, (req, res) => {
    if (n++ === 0) {
      res.writeHead(503);
      return void res.end('down for maintenance');
    }
    serveManifest(res, req, goodImage);
  });
  const p = pinner(t, [{ host: f.host }]);
  t.equal(
    pinnedOf((await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() }))[0]),
    `${f.host}/team/app:1@${goodImage.manifest.digest}`,
  );
  t.same(
    f.requests.map((r) => r.method),
    ['GET', 'GET'],
  );
});

t.test('persistent 5xx ends unavailable after 3 attempts', async (t) => {
  const f = await fake(t, (req, res) => {
    res.writeHead(502);
    res.end('bad gateway body');
  });
  const p = pinner(t, [{ host: f.host }]);
  const reason = await pinOne(p, `${f.host}/team/app:1`);
  t.match(reason, /the registry failed \(HTTP 502\) after 3 attempt\(s\): retry later/);
  t.notMatch(reason, /bad gateway body/);
  t.equal(f.requests.length, 3);
});

t.test('connection reset: retried, then unavailable', async (t) => {
  const f = await fake(t, (req) => {
    req.socket.destroy();
  });
  const p = pinner(t, [{ host: f.host }]);
  t.match(
    await pinOne(p, `${f.host}/team/app:1`),
    /^registry 127\.0\.0\.1:\d+: the connection failed \((ECONNRESET|UND_ERR_SOCKET)\)/,
  );
  t.equal(f.requests.length, 3);
});

t.test('Bearer flow: anonymous token fetched once, cached, scoped to the repository', async (t) => {
  const f = await fake(t, (req, res, self) => {
    const url = new URL(req.url ?? '/', 'https://x');
    if (url.pathname === '/token') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ token: `tok-${url.searchParams.get('scope')}`, expires_in: 300 }));
    }
    if (req.headers.authorization !== 'Bearer tok-repository:team/app:pull') {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="https://${self.host}/token",service="fake-registry",scope="repository:team/app:pull"`,
      });
      return void res.end();
    }
    serveManifest(
      res,
      req,
      url.pathname.endsWith('/multi') || url.pathname.endsWith(goodIndex.manifest.digest) ? goodIndex : goodImage,
    );
  });
  const p = pinner(t, [{ host: f.host }]);
  const outs = await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() });
  t.equal(pinnedOf(outs[0]), `${f.host}/team/app:1@${goodImage.manifest.digest}`);
  const again = await p.pin({ images: [ref(`${f.host}/team/app:multi`)], signal: longSignal() });
  t.equal(pinnedOf(again[0]), `${f.host}/team/app:multi@${goodIndex.manifest.digest}`);
  const tokenCalls = f.requests.filter((r) => r.url.startsWith('/token'));
  t.equal(tokenCalls.length, 1, 'the token is reused for the second tag');
  const q = new URL(tokenCalls[0]?.url ?? '', 'https://x').searchParams;
  t.equal(q.get('scope'), 'repository:team/app:pull');
  t.equal(q.get('service'), 'fake-registry');
  t.equal(tokenCalls[0]?.headers.authorization, undefined, 'anonymous: no credentials sent');
});

t.test('Bearer flow with credentials: Basic to the realm, refused token is unauthorized', async (t) => {
  const f = await fake(t, (req, res, self) => {
    if (req.url?.startsWith('/token') === true) {
      const okCreds = req.headers.authorization === `Basic ${Buffer.from('bob:right').toString('base64')}`;
      res.writeHead(okCreds ? 200 : 401, { 'content-type': 'application/json' });
      return void res.end(okCreds ? JSON.stringify({ access_token: 'abc' }) : '{"details":"secret upstream detail"}');
    }
    if (req.headers.authorization !== 'Bearer abc') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="https://${self.host}/token",service="svc"` });
      return void res.end();
    }
    serveManifest(res, req, goodImage);
  });
  const good = pinner(t, [{ host: f.host, credentials: { username: 'bob', password: 'right' } }]);
  t.equal(
    pinnedOf((await good.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() }))[0]),
    `${f.host}/team/app:1@${goodImage.manifest.digest}`,
  );
  const bad = pinner(t, [{ host: f.host, credentials: { username: 'bob', password: 'wrong' } }]);
  const reason = await pinOne(bad, `${f.host}/team/app:1`);
  t.match(reason, /the token service refused a pull token for the configured credentials \(HTTP 401\)/);
  t.notMatch(reason, /secret upstream detail|wrong/);
});

t.test('per-host concurrency limit: never more requests in flight than maxConcurrency', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const f = await fake(t, (req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    setTimeout(() => {
      inFlight--;
      serveManifest(res, req, goodImage);
    }, 20);
  });
  const p = pinner(t, [{ host: f.host, maxConcurrency: 1 }]);
  const images = ['a:1', 'b:1', 'c:1', 'd:1'].map((s) => ref(`${f.host}/team/${s}`));
  const outs = await p.pin({ images, signal: longSignal() });
  t.equal(outs.filter((o) => o.kind === 'pinned').length, 4);
  t.equal(peak, 1);
});

t.test('insecure: plain HTTP only for hosts explicitly marked', async (t) => {
  const plain = await fake(t, ok, true);
  const marked = pinner(t, [{ host: plain.host, insecure: true }]);
  t.equal(
    pinnedOf((await marked.pin({ images: [ref(`${plain.host}/team/app:1`)], signal: longSignal() }))[0]),
    `${plain.host}/team/app:1@${goodImage.manifest.digest}`,
  );
  const unmarked = pinner(t, [{ host: plain.host, timeoutMs: 2_000 }]);
  t.match(await pinOne(unmarked, `${plain.host}/team/app:1`), /TLS connection failed|connection failed/);
});

t.test('a cached token is dropped 10 s before the expiry the token service states', async (t) => {
  let issued = 0;
  const f = await fake(t, (req, res, self) => {
    if (req.url?.startsWith('/token') === true) {
      issued++;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ token: `t${issued}`, expires_in: 30 }));
    }
    if (req.headers.authorization !== `Bearer t${issued}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="https://${self.host}/token",service="svc"` });
      return void res.end();
    }
    serveManifest(res, req, goodImage);
  });
  const clock = manualClock();
  const p = createRegistryPinner({
    registries: registriesConfig({ hosts: [{ host: f.host }], cacheTtlMs: 0 }),
    dispatcher: agent,
    clock,
  });
  t.teardown(() => p.close());
  const pin = async (): Promise<string> =>
    pinnedOf((await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() }))[0]);
  await pin();
  clock.advance(19_000);
  await pin();
  t.equal(issued, 1, 'reused within expires_in minus the margin');
  clock.advance(2_000);
  await pin();
  t.equal(issued, 2, 'fetched anew 10 s before expiry');
});
