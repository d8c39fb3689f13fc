import t, { type Test } from 'tap';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { createRegistryPinner } from '../../src/registry/index.js';
import type { RegistryPinner, ResolveResult } from '../../src/registry/internal.js';
import {
  buildImage,
  startRegistry,
  startTokenService,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
} from '../fixtures/registry/index.js';
import { fakeAgent, goodImage, serveManifest, startFake, type Fake } from './fakes.js';
import { longSignal, ref, registriesConfig } from './helpers.js';

const agent = fakeAgent();
t.teardown(() => agent.close());

const USER = 'robot';
const PASSWORD = 'hunter2-registry-password';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const creds = { username: USER, password: PASSWORD };

type Handler = (req: IncomingMessage, res: ServerResponse, f: Fake) => void;

async function fake(t: Test, handler: Handler): Promise<Fake> {
  const f = await startFake(handler);
  t.teardown(() => f.close());
  return f;
}

function pinner(t: Test, hosts: Record<string, unknown>[]): RegistryPinner {
  const p = createRegistryPinner({
    registries: registriesConfig({ hosts, cacheTtlMs: 0, failureTtlMs: 0 }),
    dispatcher: agent,
    random: () => 0.5,
  });
  t.teardown(() => p.close());
  return p;
}

/** Every Authorization header a fake received, in order (undefined: none sent). */
const authorizations = (f: Fake): (string | undefined)[] => f.requests.map((r) => r.headers.authorization);

/**
 * A token service as Docker Hub's auth.docker.io: a token for anyone, one with pull access to
 * private repositories only for the right Basic credentials; refuses wrong ones.
 */
async function tokenService(t: Test, opts: { readonly refuseAnonymous?: boolean } = {}): Promise<Fake> {
  return fake(t, (req, res) => {
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== BASIC) return void res.writeHead(401).end();
    if (auth === undefined && opts.refuseAnonymous === true) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: auth === BASIC ? 'tok-user' : 'tok-anon', expires_in: 300 }));
  });
}

/** A registry whose 401 points the token realm at `realm`; `private` repositories need the user's token. */
async function registry(t: Test, realm: () => string, opts: { readonly private?: boolean } = {}): Promise<Fake> {
  return fake(t, (req, res) => {
    const auth = req.headers.authorization;
    const granted = auth === 'Bearer tok-user' || (auth === 'Bearer tok-anon' && opts.private !== true);
    if (!granted) {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="${realm()}",service="registry",scope="repository:team/app:pull"`,
      });
      return void res.end();
    }
    serveManifest(res, req, goodImage);
  });
}

function failure(r: ResolveResult): { code: string; message: string } {
  if (r.ok) throw new Error(`expected a failure, got ${r.resolution.digest}`);
  return { code: r.error.code, message: r.error.message };
}

t.test('a realm on an allowedHosts host gets the token request without the configured credentials', async (t) => {
  const tokens = await tokenService(t);
  const reg = await registry(t, () => `https://${tokens.host}/token`);
  const p = pinner(t, [{ host: reg.host, credentials: creds, allowedHosts: [tokens.host] }]);
  const r = await p.resolver.resolve({ ref: ref(`${reg.host}/team/app:1`), signal: longSignal() });
  t.ok(r.ok, 'a public repository resolves with the anonymous token');
  t.ok(tokens.requests.length >= 1, 'the token service was asked');
  t.same(
    [...new Set(authorizations(tokens))],
    [undefined],
    'the token host never saw Authorization (no Basic with the password)',
  );
  t.notOk(authorizations(reg).includes(BASIC), 'the registry got bearer tokens only');
});

t.test("a pull secret's credentials are withheld from another host's realm the same way", async (t) => {
  const tokens = await tokenService(t);
  const reg = await registry(t, () => `https://${tokens.host}/token`);
  const p = pinner(t, [{ host: reg.host, allowedHosts: [tokens.host] }]);
  const pullCredentials = () => Promise.resolve({ byHost: new Map([[reg.host, creds]]), problems: [] });
  const r = await p.resolver.resolve({ ref: ref(`${reg.host}/team/app:1`), signal: longSignal(), pullCredentials });
  t.ok(r.ok);
  t.same([...new Set(authorizations(tokens))], [undefined]);
});

t.test(
  'a private repository behind a realm not listed in credentialRealms: CREDENTIALS_WITHHELD, naming the fix',
  async (t) => {
    const tokens = await tokenService(t);
    const reg = await registry(t, () => `https://${tokens.host}/token`, { private: true });
    const p = pinner(t, [{ host: reg.host, credentials: creds, allowedHosts: [tokens.host] }]);
    const err = failure(await p.resolver.resolve({ ref: ref(`${reg.host}/team/app:1`), signal: longSignal() }));
    t.equal(err.code, 'IMAGEGATE_REGISTRY_CREDENTIALS_WITHHELD');
    t.equal(
      err.message,
      `registry ${reg.host}: access denied (HTTP 401) with an anonymous token; the credentials were not sent to the token realm on ${tokens.host}: ` +
        `if the registry's operator runs that token service (auth.docker.io for docker.io), list its host in registries.hosts[].credentialRealms (image ${reg.host}/team/app:1)`,
    );
    t.same([...new Set(authorizations(tokens))], [undefined]);
    t.notMatch(err.message, PASSWORD);
  },
);

t.test('a token service refusing anonymous requests: CREDENTIALS_WITHHELD too', async (t) => {
  const tokens = await tokenService(t, { refuseAnonymous: true });
  const reg = await registry(t, () => `https://${tokens.host}/token`);
  const p = pinner(t, [{ host: reg.host, credentials: creds, allowedHosts: [tokens.host] }]);
  const err = failure(await p.resolver.resolve({ ref: ref(`${reg.host}/team/app:1`), signal: longSignal() }));
  t.equal(err.code, 'IMAGEGATE_REGISTRY_CREDENTIALS_WITHHELD');
  t.match(
    err.message,
    `the token service refused an anonymous pull token (HTTP 401); the credentials were not sent to the realm on ${tokens.host}`,
  );
  t.same([...new Set(authorizations(tokens))], [undefined]);
});

t.test(
  'credentialRealms opts a realm host in: it gets Basic credentials (and is allowed as a realm), nothing else does',
  async (t) => {
    const tokens = await tokenService(t);
    const reg = await registry(t, () => `https://${tokens.host}/token`, { private: true });
    const p = pinner(t, [{ host: reg.host, credentials: creds, credentialRealms: [tokens.host] }]);
    const r = await p.resolver.resolve({ ref: ref(`${reg.host}/team/app:1`), signal: longSignal() });
    t.ok(r.ok, 'the private repository resolves with the user token');
    t.same([...new Set(authorizations(tokens))], [BASIC], 'the listed realm got the credentials');
    t.notOk(authorizations(reg).includes(BASIC), 'the registry itself only ever got the bearer token');
  },
);

t.test('credentials opted in for one registry never go to that realm for another registry', async (t) => {
  const tokens = await tokenService(t);
  const optedIn = await registry(t, () => `https://${tokens.host}/token`);
  const other = await registry(t, () => `https://${tokens.host}/token`);
  const p = pinner(t, [
    { host: optedIn.host, credentialRealms: [tokens.host] },
    { host: other.host, credentials: creds, allowedHosts: [tokens.host] },
  ]);
  t.ok((await p.resolver.resolve({ ref: ref(`${other.host}/team/app:1`), signal: longSignal() })).ok);
  t.same([...new Set(authorizations(tokens))], [undefined], "the other registry's credentials stayed home");
});

t.test('a listed realm redirecting the token request elsewhere: the redirect target gets no credentials', async (t) => {
  const elsewhere = await tokenService(t);
  const tokens = await fake(t, (req, res) => {
    res.writeHead(307, { location: `https://${elsewhere.host}${req.url ?? '/'}` });
    res.end();
  });
  const reg = await registry(t, () => `https://${tokens.host}/token`);
  const p = pinner(t, [
    { host: reg.host, credentials: creds, credentialRealms: [tokens.host], allowedHosts: [elsewhere.host] },
  ]);
  t.ok((await p.resolver.resolve({ ref: ref(`${reg.host}/team/app:1`), signal: longSignal() })).ok);
  t.same([...new Set(authorizations(tokens))], [BASIC]);
  t.ok(elsewhere.requests.length >= 1, 'the redirect was followed');
  t.same([...new Set(authorizations(elsewhere))], [undefined], 'Authorization is never carried across hosts');
});

t.test(
  'a manifest redirect to an allowed host drops the bearer token; a credentialRealms host is no redirect target',
  async (t) => {
    const blobs = await fake(t, (req, res) => serveManifest(res, req, goodImage));
    const tokens = await tokenService(t);
    let target = blobs.host;
    const reg = await fake(t, (req, res) => {
      if (req.headers.authorization !== 'Bearer tok-user') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="https://${tokens.host}/token",service="registry"` });
        return void res.end();
      }
      res.writeHead(307, { location: `https://${target}${req.url ?? '/'}` });
      res.end();
    });
    const p = pinner(t, [
      { host: reg.host, credentials: creds, credentialRealms: [tokens.host], allowedHosts: [blobs.host] },
    ]);
    t.ok((await p.resolver.resolve({ ref: ref(`${reg.host}/team/app:1`), signal: longSignal() })).ok);
    t.same([...new Set(authorizations(blobs))], [undefined], 'the redirect target never saw the token');

    target = tokens.host;
    const before = tokens.requests.length;
    const err = failure(await p.resolver.resolve({ ref: ref(`${reg.host}/team/app:2`), signal: longSignal() }));
    t.equal(err.code, 'IMAGEGATE_REGISTRY_REDIRECT_REFUSED');
    t.equal(
      tokens.requests.slice(before).filter((r) => !r.url.startsWith('/token')).length,
      0,
      'the realm host was not contacted as a redirect target',
    );
  },
);

t.test(
  'real registry with token auth on another host: credentials reach the realm only when it is in credentialRealms',
  async (t) => {
    const tokens = await startTokenService();
    t.teardown(() => tokens.close());
    const reg = await startRegistry({
      token: {
        realm: tokens.realm,
        service: tokens.service,
        issuer: tokens.issuer,
        rootCertPem: tokens.rootCertPem,
        pushAuthorization: () =>
          Promise.resolve(
            `Bearer ${tokens.mint(REGISTRY_USER, [{ type: 'repository', name: 'team/private', actions: ['pull', 'push'] }])}`,
          ),
      },
    });
    t.teardown(() => reg.close());
    const image = buildImage({ content: 'private behind a token service' });
    await reg.push('team/private', '1', image);
    const both = new Agent({ connect: { ca: [reg.caPem, tokens.caPem] } });
    t.teardown(() => both.close());
    const realCreds = { username: REGISTRY_USER, password: REGISTRY_PASSWORD };
    const resolve = async (host: Record<string, unknown>): Promise<ResolveResult> => {
      const p = createRegistryPinner({
        registries: registriesConfig({
          hosts: [{ host: reg.host, credentials: realCreds, ...host }],
          cacheTtlMs: 0,
          failureTtlMs: 0,
        }),
        dispatcher: both,
      });
      t.teardown(() => p.close());
      return p.resolver.resolve({ ref: ref(`${reg.host}/team/private:1`), signal: longSignal() });
    };

    const withheld = failure(await resolve({ allowedHosts: [tokens.host] }));
    t.equal(
      withheld.code,
      'IMAGEGATE_REGISTRY_CREDENTIALS_WITHHELD',
      'distribution refuses the anonymous token (insufficient scope)',
    );
    t.ok(tokens.seen.length >= 1);
    t.same([...new Set(tokens.seen)], [undefined], 'the token service on another port never saw the password');

    const before = tokens.seen.length;
    const opted = await resolve({ credentialRealms: [tokens.host] });
    t.equal(
      opted.ok ? opted.resolution.digest : undefined,
      image.manifest.digest,
      'pinned with the token issued for the credentials',
    );
    t.same(
      [...new Set(tokens.seen.slice(before))],
      [`Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`],
    );
  },
);
