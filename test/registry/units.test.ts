import t from 'tap';
import { ImagegateError } from '../../src/errors/index.js';
import { createRegistryPinner } from '../../src/registry/index.js';
import { parseChallenge, parseDockerConfigJson, staticCredentialsProvider } from '../../src/registry/internal.js';
import { longSignal, reasonOf, ref, registriesConfig } from './helpers.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

t.test('dockerconfigjson: auth base64 and username/password, hosts normalised', async (t) => {
  const creds = parseDockerConfigJson(
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub-user:hub:pass') },
        'Registry.Example.com:5000': { username: 'u', password: 'p' },
        'https://ghcr.io/v2/': { auth: b64('gh:tok'), username: 'ignored', password: 'ignored' },
      },
    }),
  );
  t.same(creds.get('docker.io'), { username: 'hub-user', password: 'hub:pass' }, 'the password may contain ":"');
  t.same(creds.get('registry.example.com:5000'), { username: 'u', password: 'p' });
  t.same(creds.get('ghcr.io'), { username: 'gh', password: 'tok' }, 'auth wins over username/password');
  t.equal(creds.get('registry.example.com'), undefined, 'the port is part of the host');
  const provider = staticCredentialsProvider(creds);
  t.same(await provider.credentialsFor({ registry: 'REGISTRY.example.com:5000', signal: longSignal() }), {
    username: 'u',
    password: 'p',
  });
  t.same(parseDockerConfigJson(Buffer.from('{"auths":{}}')).size, 0, 'bytes are accepted');
});

t.test('dockerconfigjson: invalid data is refused without echoing secrets', async (t) => {
  const cases: [string, RegExp][] = [
    ['not json {', /it is not JSON/],
    ['{"credsStore":"desktop"}', /it has no "auths" object/],
    ['{"auths":{"r.io":"s3cr3t"}}', /auths\["r\.io"\] is not an object/],
    [
      JSON.stringify({ auths: { 'r.io': { auth: b64('nocolons3cr3t') } } }),
      /auths\["r\.io"\]\.auth is not base64 of "username:password"/,
    ],
    ['{"auths":{"r.io":{"username":"s3cr3t"}}}', /has neither "auth" nor "username" and "password"/],
  ];
  for (const [input, message] of cases) {
    const err = t.throws(() => parseDockerConfigJson(input), {
      code: 'IMAGEGATE_REGISTRY_PULL_SECRET_INVALID',
      message,
    });
    t.ok(err instanceof ImagegateError && !err.message.includes('s3cr3t'), 'no secret in the message');
  }
});

t.test('WWW-Authenticate challenges', async (t) => {
  t.same(
    parseChallenge(
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull"',
    ),
    {
      scheme: 'bearer',
      realm: 'https://auth.example.com/token',
      service: 'registry.example.com',
    },
  );
  t.same(parseChallenge('bearer realm=https://a/t'), { scheme: 'bearer', realm: 'https://a/t' });
  t.same(parseChallenge('Basic realm="test-realm"'), { scheme: 'basic' });
  t.equal(parseChallenge('Bearer service="x"'), undefined, 'a Bearer challenge without realm is unusable');
  t.equal(parseChallenge('Negotiate abc'), undefined);
  t.equal(parseChallenge(undefined), undefined);
});

t.test('config: registries keys, defaults, unknown keys rejected', async (t) => {
  const r = registriesConfig({ hosts: [{ host: 'Registry.Example.com:5000' }] });
  t.match(r, {
    cacheTtlMs: 30_000,
    failureTtlMs: 5_000,
    maxManifestBytes: 4 * 1024 * 1024,
    maxIndexEntries: 1024,
    mirrors: [],
  });
  t.match(r.hosts[0], {
    host: 'Registry.Example.com:5000',
    maxConcurrency: 8,
    timeoutMs: 5_000,
    insecure: false,
    allowedHosts: [],
    credentialRealms: [],
  });
  t.same(
    registriesConfig({ hosts: [{ host: 'docker.io', credentialRealms: ['auth.docker.io'] }] }).hosts[0]
      ?.credentialRealms,
    ['auth.docker.io'],
  );
  t.throws(() => registriesConfig({ hosts: [{ host: 'r.io', credentialRealms: ['https://auth.r.io/token'] }] }), {
    message: /\/registries\/hosts\/0\/credentialRealms\/0: must match pattern/,
  });
  t.throws(() => registriesConfig({ hosts: [{ host: 'r.io', tlsVerify: false }] }), {
    message: /unknown key "tlsVerify"/,
  });
  t.throws(() => registriesConfig({ hosts: [{ host: 'https://r.io/v2' }] }), {
    message: /\/registries\/hosts\/0\/host: must match pattern/,
  });
  t.throws(() => registriesConfig({ cacheTTL: 1 }), { message: /unknown key "cacheTTL"/ });
});

t.test('pinner creation checks what the schema cannot', async (t) => {
  t.throws(
    () =>
      createRegistryPinner({
        registries: registriesConfig({ hosts: [{ host: 'r.io', credentials: { username: 'u' } }] }),
      }),
    {
      code: 'IMAGEGATE_REGISTRY_CONFIG_INVALID',
      message: /exactly one of password and passwordFile/,
    },
  );
  t.throws(
    () =>
      createRegistryPinner({
        registries: registriesConfig({ hosts: [{ host: 'r.io', caFile: '/nonexistent/ca.pem' }] }),
      }),
    {
      code: 'IMAGEGATE_REGISTRY_CONFIG_INVALID',
      message: /cannot read CA bundle "\/nonexistent\/ca\.pem"/,
    },
  );
  t.throws(
    () =>
      createRegistryPinner({
        registries: registriesConfig({
          hosts: [{ host: 'r.io' }],
          mirrors: [{ from: 'docker.io/library', to: 'mirror.example.com/hub' }],
        }),
      }),
    {
      code: 'IMAGEGATE_REGISTRY_CONFIG_INVALID',
      message: /mirror host "mirror\.example\.com" of "docker\.io\/library" is not listed/,
    },
  );
  t.throws(
    () => createRegistryPinner({ registries: registriesConfig({ hosts: [{ host: 'R.io' }, { host: 'r.io' }] }) }),
    { message: /lists "r\.io" twice/ },
  );
  const reads: string[] = [];
  const p = createRegistryPinner({
    registries: registriesConfig({
      hosts: [{ host: 'r.io', credentials: { username: 'u', passwordFile: '/secret/pw' } }],
    }),
    readFile: (f) => {
      reads.push(f);
      return f === '/secret/pw' ? 'pw\n' : '';
    },
  });
  t.same(reads, ['/secret/pw'], 'the password file is read once, at creation, before any lookup');
  await p.close();
});

t.test('mirror prefixes match on path-segment boundaries only', async (t) => {
  const p = createRegistryPinner({
    registries: registriesConfig({
      hosts: [{ host: 'mirror.example.com', timeoutMs: 1 }],
      mirrors: [{ from: 'docker.io/library', to: 'mirror.example.com/hub' }],
    }),
  });
  t.teardown(() => p.close());
  const outs = await p.pin({ images: [ref('docker.io/libraryx/app:1')], signal: longSignal() });
  t.match(reasonOf(outs[0]), /^registry docker\.io: not in the trusted registries/);
});

t.test('images that already carry a digest are returned as they are, without lookup', async (t) => {
  const p = createRegistryPinner({ registries: registriesConfig({ hosts: [] }) });
  const image = `evil.io/app:1@sha256:${'b'.repeat(64)}`;
  t.same(await p.pin({ images: [ref(image)], signal: longSignal() }), [{ kind: 'pinned', image }]);
});
