import t, { type Test } from 'tap';
import type { Dispatcher } from 'undici';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRegistryPinner } from '../../src/registry/index.js';
import {
  blockingRange,
  createRegistryResolver,
  parseCidr,
  parseIp,
  type HostResolver,
  type RegistryPinner,
} from '../../src/registry/internal.js';
import { defaultConfig } from '../../src/config/index.js';
import { fakeAgent, goodImage, serveManifest, startFake, type Fake } from './fakes.js';
import { longSignal, pinnedOf, reasonOf, ref, registriesConfig } from './helpers.js';

const agent = fakeAgent();
t.teardown(() => agent.close());

/** The shared agent, recording the origin and Host header of every request dispatched. */
function recording(): { dispatcher: Dispatcher; seen: string[] } {
  const seen: string[] = [];
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    const headers = opts.headers;
    const host =
      headers !== null && typeof headers === 'object' && !Array.isArray(headers) && 'host' in headers
        ? String(headers.host)
        : '?';
    seen.push(`${String(opts.origin)} host=${host}`);
    return dispatch(opts, handler);
  });
  return { dispatcher, seen };
}

/** A resolver answering from a script, one answer per call (the last repeats), counting calls. */
function scripted(answers: readonly (readonly string[])[]): { resolve: HostResolver; calls: string[] } {
  const calls: string[] = [];
  const resolve: HostResolver = (hostname) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
    return Promise.resolve(answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return { resolve, calls };
}

async function fake(
  t: Test,
  handler: (req: IncomingMessage, res: ServerResponse, f: Fake) => void = (req, res) =>
    serveManifest(res, req, goodImage),
): Promise<Fake> {
  const f = await startFake(handler);
  t.teardown(() => f.close());
  return f;
}

function pinner(
  t: Test,
  registries: Record<string, unknown>,
  extra: { dispatcher?: Dispatcher; resolveHost?: HostResolver } = {},
): RegistryPinner {
  const p = createRegistryPinner({
    registries: registriesConfig(registries),
    dispatcher: extra.dispatcher ?? agent,
    ...(extra.resolveHost === undefined ? {} : { resolveHost: extra.resolveHost }),
  });
  t.teardown(() => p.close());
  return p;
}

t.test('an allowlisted name resolving to 169.254.169.254 is refused with zero connections', async (t) => {
  const { dispatcher, seen } = recording();
  const dns = scripted([['169.254.169.254']]);
  const p = pinner(t, { hosts: [{ host: 'registry.internal.test:5000' }] }, { dispatcher, resolveHost: dns.resolve });
  const r = await p.resolver.resolve({ ref: ref('registry.internal.test:5000/team/app:1'), signal: longSignal() });
  if (r.ok) throw new Error('resolved');
  t.equal(r.error.code, 'IMAGEGATE_REGISTRY_ADDRESS_BLOCKED');
  t.match(
    r.error.message,
    /^registry registry\.internal\.test:5000: the host registry\.internal\.test resolves to 169\.254\.169\.254, which is in the blocked range 169\.254\.0\.0\/16: .*registries\.blockedCidrs/,
  );
  t.same(dns.calls, ['registry.internal.test']);
  t.same(seen, [], 'nothing was dispatched');
});

t.test('DNS rebinding: one resolution per lookup, every request goes to the address checked', async (t) => {
  const f = await fake(t, (req, res) => {
    if (req.headers.authorization === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' });
      return void res.end();
    }
    serveManifest(res, req, goodImage);
  });
  const { dispatcher, seen } = recording();
  // A safe answer first, the metadata address on every later question.
  const dns = scripted([['127.0.0.1'], ['169.254.169.254']]);
  const name = `localhost:${f.port}`;
  const p = pinner(
    t,
    { hosts: [{ host: name, credentials: { username: 'u', password: 'p' } }] },
    { dispatcher, resolveHost: dns.resolve },
  );
  const [out] = await p.pin({ images: [ref(`${name}/team/app:1`)], signal: longSignal() });
  t.equal(
    pinnedOf(out),
    `${name}/team/app:1@${goodImage.manifest.digest}`,
    'TLS checked against the name (the cert is for localhost)',
  );
  t.equal(dns.calls.length, 1, 'two requests (GET, its retry with credentials after the 401) and a single resolution');
  t.ok(seen.length >= 2);
  t.same([...new Set(seen)], [`https://127.0.0.1:${f.port} host=${name}`], 'all to the checked address, Host kept');
  t.same([...new Set(f.requests.map((r) => r.headers.host))], [name]);

  const before = seen.length;
  const [second] = await p.pin({ images: [ref(`${name}/team/other:1`)], signal: longSignal() });
  t.match(reasonOf(second), /resolves to 169\.254\.169\.254, which is in the blocked range/);
  t.equal(seen.length, before, 'the rebound name was never connected to');
});

t.test('one blocked address among several answers refuses the lookup', async (t) => {
  const f = await fake(t);
  const { dispatcher, seen } = recording();
  const dns = scripted([['127.0.0.1', '::ffff:169.254.169.254']]);
  const p = pinner(t, { hosts: [{ host: `localhost:${f.port}` }] }, { dispatcher, resolveHost: dns.resolve });
  const [out] = await p.pin({ images: [ref(`localhost:${f.port}/team/app:1`)], signal: longSignal() });
  t.match(reasonOf(out), 'resolves to ::ffff:169.254.169.254, which is in the blocked range 169.254.0.0/16');
  t.same(seen, []);
  t.equal(f.connections, 0);
});

t.test('IP literals and IPv4-mapped IPv6 forms are checked even when listed', async (t) => {
  const { dispatcher, seen } = recording();
  const dns = scripted([['::ffff:a9fe:a9fe']]);
  const hosts = [
    '169.254.169.254',
    '[::ffff:a9fe:a9fe]',
    '[0:0:0:0:0:ffff:a9fe:a9fe]:8080',
    '100.64.0.1',
    '[fe80::1]',
    'mapped.test',
  ].map((host) => ({ host }));
  const p = pinner(t, { hosts }, { dispatcher, resolveHost: dns.resolve });
  const outs = await p.pin({ images: hosts.map((h) => ref(`${h.host}/x:1`)), signal: longSignal() });
  t.match(
    reasonOf(outs[0]),
    /^registry 169\.254\.169\.254: the address 169\.254\.169\.254 is in the blocked range 169\.254\.0\.0\/16/,
  );
  t.match(reasonOf(outs[1]), /the address ::ffff:a9fe:a9fe is in the blocked range 169\.254\.0\.0\/16/);
  t.match(
    reasonOf(outs[2]),
    /the address ::ffff:a9fe:a9fe is in the blocked range 169\.254\.0\.0\/16/,
    'a spelled-out form is caught too',
  );
  t.match(reasonOf(outs[3]), /100\.64\.0\.0\/10/);
  t.match(reasonOf(outs[4]), /fe80::\/10/);
  t.match(
    reasonOf(outs[5]),
    /the host mapped\.test resolves to ::ffff:a9fe:a9fe, which is in the blocked range 169\.254\.0\.0\/16/,
  );
  t.same(dns.calls, ['mapped.test'], 'literals are never sent to DNS');
  t.same(seen, [], 'zero requests');
});

t.test('a custom registries.blockedCidrs blocks 127.0.0.1 (and its mapped form); the default allows it', async (t) => {
  const f = await fake(t);
  const blocked = pinner(
    t,
    { hosts: [{ host: f.host }, { host: `localhost:${f.port}` }], blockedCidrs: ['127.0.0.0/8', '169.254.0.0/16'] },
    { resolveHost: scripted([['::ffff:127.0.0.1']]).resolve },
  );
  const outs = await blocked.pin({
    images: [ref(`${f.host}/team/app:1`), ref(`localhost:${f.port}/team/app:1`)],
    signal: longSignal(),
  });
  t.match(reasonOf(outs[0]), `the address 127.0.0.1 is in the blocked range 127.0.0.0/8`);
  t.match(reasonOf(outs[1]), `resolves to ::ffff:127.0.0.1, which is in the blocked range 127.0.0.0/8`);
  t.equal(f.connections, 0);
  const allowed = pinner(t, { hosts: [{ host: f.host }] });
  t.equal(
    pinnedOf((await allowed.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() }))[0]),
    `${f.host}/team/app:1@${goodImage.manifest.digest}`,
  );
});

t.test('a redirect to an allowed host that resolves to a blocked range is not followed', async (t) => {
  const f = await fake(t, (req, res) => {
    res.writeHead(307, { location: `https://blobs.test:${f.port}${req.url ?? ''}` });
    res.end();
  });
  const dns = scripted([['169.254.169.254']]);
  const p = pinner(
    t,
    { hosts: [{ host: f.host, allowedHosts: [`blobs.test:${f.port}`] }] },
    { resolveHost: dns.resolve },
  );
  const [out] = await p.pin({ images: [ref(`${f.host}/team/app:1`)], signal: longSignal() });
  t.match(reasonOf(out), /the host blobs\.test resolves to 169\.254\.169\.254/);
  t.equal(f.requests.length, 1, 'only the request that answered with the redirect');
});

t.test('a name that does not resolve is unavailable, without echoing resolver internals', async (t) => {
  const failing: HostResolver = () =>
    Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' }));
  const p = pinner(t, { hosts: [{ host: 'nowhere.test' }] }, { resolveHost: failing });
  const r = await p.resolver.resolve({ ref: ref('nowhere.test/app:1'), signal: longSignal() });
  if (r.ok) throw new Error('resolved');
  t.equal(r.error.code, 'IMAGEGATE_REGISTRY_UNAVAILABLE');
  t.match(r.error.message, /the host name does not resolve \(ENOTFOUND\)/);
});

t.test('the default blocked ranges, address by address', async (t) => {
  const ranges = defaultConfig.registries.blockedCidrs
    .map((c) => parseCidr(c) ?? t.fail(`bad default ${c}`))
    .filter((c) => typeof c === 'object');
  const blocked = (a: string): string | undefined => {
    const ip = parseIp(a);
    if (ip === undefined) throw new Error(`not an ip: ${a}`);
    return blockingRange(ip, ranges)?.text;
  };
  const expectBlocked: [string, string][] = [
    ['0.0.0.0', '0.0.0.0/8'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['169.254.169.254', '169.254.0.0/16'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['100.127.255.255', '100.64.0.0/10'],
    ['224.0.0.1', '224.0.0.0/4'],
    ['239.255.255.250', '224.0.0.0/4'],
    ['255.255.255.255', '240.0.0.0/4'],
    ['::', '::/128'],
    ['fe80::1', 'fe80::/10'],
    ['febf::1', 'fe80::/10'],
    ['ff02::1', 'ff00::/8'],
    ['::ffff:169.254.169.254', '169.254.0.0/16'],
    ['::ffff:a9fe:a9fe', '169.254.0.0/16'],
    ['0:0:0:0:0:ffff:6440:1', '100.64.0.0/10'],
    ['[fe80::1%eth0]', 'fe80::/10'],
  ];
  for (const [a, range] of expectBlocked) t.equal(blocked(a), range, a);
  for (const a of [
    '127.0.0.1',
    '10.0.0.1',
    '172.16.0.1',
    '192.168.1.1',
    '100.128.0.1',
    '100.63.255.255',
    '8.8.8.8',
    '::1',
    '::ffff:127.0.0.1',
    'fec0::1',
    '2001:db8::1',
    '::ffff:10.0.0.1',
  ]) {
    t.equal(blocked(a), undefined, `${a} is allowed by default`);
  }
});

t.test('registries.blockedCidrs entries are validated', async (t) => {
  for (const bad of ['10.0.0.0/33', '1.2.3/8', 'fe80::/129', '1::2::3/64']) {
    t.throws(
      () => createRegistryResolver({ registries: registriesConfig({ blockedCidrs: [bad] }) }),
      { code: 'IMAGEGATE_REGISTRY_CONFIG_INVALID', message: /registries\.blockedCidrs: .* is not an address\/prefix/ },
      bad,
    );
  }
  t.throws(() => registriesConfig({ blockedCidrs: ['example.com/8'] }), {
    message: /blockedCidrs\/0: must match pattern/,
  });
  // A bare address and an IPv6 prefix are accepted, and block what they name without a connection.
  const { dispatcher, seen } = recording();
  const dns = scripted([['10.0.0.1'], ['2001:db8::5']]);
  const p = pinner(
    t,
    {
      blockedCidrs: ['10.0.0.1', '2001:db8::/32'],
      hosts: [{ host: 'four.example.test' }, { host: 'six.example.test' }],
    },
    { dispatcher, resolveHost: dns.resolve },
  );
  const codes: string[] = [];
  for (const host of ['four.example.test', 'six.example.test']) {
    const r = await p.resolver.resolve({ ref: ref(`${host}/team/app:1`), signal: longSignal() });
    codes.push(r.ok ? 'resolved' : r.error.code);
    if (!r.ok)
      t.match(
        r.error.message,
        host === 'four.example.test' ? /blocked range 10\.0\.0\.1/ : /blocked range 2001:db8::\/32/,
      );
  }
  t.same(codes, ['IMAGEGATE_REGISTRY_ADDRESS_BLOCKED', 'IMAGEGATE_REGISTRY_ADDRESS_BLOCKED']);
  t.same(seen, [], 'no connection was made');
});
