/**
 * One trust configuration (issue 14 item 1): registries.hosts, with its optional repositories,
 * is the one list of what is trusted. The pinner (and every reader of the resolver: signature
 * discovery) contacts only images under it, and the policy's trusted_registries is the same list.
 */
import t from 'tap';
import type { Dispatcher } from 'undici';
import { defaultConfig, trustedRepositories } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/internal.js';
import { policyDataOf } from '../../src/policy/internal.js';
import { createRegistryPinner } from '../../src/registry/index.js';
import type { HostResolver } from '../../src/registry/internal.js';
import { fakeAgent } from '../registry/fakes.js';
import { longSignal, reasonOf, ref, registriesConfig } from '../registry/helpers.js';

const config = (text: string) => parseConfig({ text, source: 'imagegate.yaml' });

t.test('registries.hosts[].repositories: lowercase path prefixes, no wildcards, no slashes at the ends', async (t) => {
  const ok = config(
    'registries:\n  hosts:\n    - host: ghcr.io\n      repositories: [acme, other-org/app, a_b.c--d]\n',
  );
  t.same(ok.registries.hosts[0]?.repositories, ['acme', 'other-org/app', 'a_b.c--d']);
  for (const bad of ['/acme', 'acme/', 'acme//app', '*', 'acme/*', 'Acme', 'ac me', '']) {
    t.throws(
      () => config(`registries:\n  hosts:\n    - host: ghcr.io\n      repositories: [${JSON.stringify(bad)}]\n`),
      { code: 'IMAGEGATE_CONFIG_INVALID', message: /\/registries\/hosts\/0\/repositories\/0: must match pattern/ },
      `${JSON.stringify(bad)} is refused`,
    );
  }
  t.throws(() => config('registries:\n  hosts:\n    - host: "*.trusted.example.com"\n'), {
    message: /\/registries\/hosts\/0\/host: must match pattern/,
  });
  t.throws(() => config('registries:\n  hosts:\n    - host: ghcr.io\n      repositories: []\n'), {
    message: /\/registries\/hosts\/0\/repositories: must NOT have fewer than 1 items/,
  });
});

t.test('mirrors[].rewrite and tags.requireDigest default to false', async (t) => {
  const c = config(
    'registries:\n  hosts: [{host: m.example.com}]\n  mirrors: [{from: docker.io/library, to: m.example.com/hub}]\n',
  );
  t.same(c.registries.mirrors, [{ from: 'docker.io/library', to: 'm.example.com/hub', rewrite: false }]);
  t.same(c.tags, { requireDigest: false });
  t.same(config('tags: {requireDigest: true}').tags, { requireDigest: true });
  t.throws(() => config('tags: {requireDigets: true}'), { message: /\/tags\/requireDigets: unknown key/ });
});

t.test('trustedRepositories: each host, or host/prefix per repository, hosts folded as images fold them', async (t) => {
  t.same(trustedRepositories(defaultConfig), []);
  const c = config(
    [
      'registries:',
      '  hosts:',
      '    - host: GHCR.io',
      '      repositories: [acme, other-org/app]',
      '    - host: Index.Docker.io',
      '      repositories: [library]',
      '    - host: registry.example.com:5000',
    ].join('\n'),
  );
  t.same(trustedRepositories(c), [
    'ghcr.io/acme',
    'ghcr.io/other-org/app',
    'docker.io/library',
    'registry.example.com:5000',
  ]);
});

t.test('policyDataOf: the trusted list, mirrors, tags and rule switches; policy.data wins', async (t) => {
  const text = [
    'registries:',
    '  hosts: [{host: ghcr.io, repositories: [acme]}, {host: M.example.com}]',
    '  mirrors: [{from: Index.Docker.io/library, to: m.example.com/hub, rewrite: true}]',
    'tags: {requireDigest: true}',
    'health:',
    '  sources: [{kind: static, file: grades.yaml, repositories: ["*"]}]',
  ].join('\n');
  t.same(policyDataOf(config(text)), {
    imagegate: {
      config: {
        trusted_registries: ['ghcr.io/acme', 'm.example.com'],
        mirrors: [{ from: 'docker.io/library', to: 'm.example.com/hub', rewrite: true }],
        tags: { require_digest: true },
        health: { enabled: true },
        signatures: {},
      },
    },
  });
  const over = config(
    `${text}\npolicy:\n  data: {imagegate: {config: {trusted_registries: [quay.io], health: {enabled: false}}}, other: 1}`,
  );
  t.match(policyDataOf(over), {
    imagegate: {
      config: { trusted_registries: ['quay.io'], tags: { require_digest: true }, health: { enabled: false } },
    },
    other: 1,
  });
});

/** A dispatcher and DNS that record any use: an untrusted image must cause neither. */
function witnesses(): { dispatcher: Dispatcher; resolveHost: HostResolver; seen: string[] } {
  const seen: string[] = [];
  const agent = fakeAgent();
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    seen.push(`request ${String(opts.origin)}${opts.path}`);
    return dispatch(opts, handler);
  });
  const resolveHost: HostResolver = (hostname) => {
    seen.push(`dns ${hostname}`);
    return Promise.reject(new Error('no DNS in this test'));
  };
  return { dispatcher, resolveHost, seen };
}

t.test('the pinner refuses a repository outside its host entry repositories, with no DNS and no request', async (t) => {
  const w = witnesses();
  const p = createRegistryPinner({
    registries: registriesConfig({ hosts: [{ host: 'ghcr.io', repositories: ['acme', 'other-org/app'] }] }),
    dispatcher: w.dispatcher,
    resolveHost: w.resolveHost,
  });
  t.teardown(() => p.close());
  const outs = await p.pin({
    images: [ref('ghcr.io/acmeco/app:1'), ref('ghcr.io/other-org/application:1'), ref('ghcr.io/evil/acme:1')],
    signal: longSignal(),
  });
  t.same(
    outs.map((o) => (o.kind === 'unresolved' ? o.code : o.kind)),
    ['IMAGEGATE_REGISTRY_UNTRUSTED', 'IMAGEGATE_REGISTRY_UNTRUSTED', 'IMAGEGATE_REGISTRY_UNTRUSTED'],
  );
  t.equal(
    reasonOf(outs[0]),
    'registry ghcr.io: ghcr.io/acmeco/app is not under its trusted repositories (registries.hosts[].repositories: acme, other-org/app): use an image under registries.hosts, or add its host (or repository: registries.hosts[].repositories) there in the config (image ghcr.io/acmeco/app:1)',
  );
  await t.rejects(
    p.resolver.artifacts.manifest({
      repository: 'ghcr.io/evil/acme',
      reference: 'sha256-abc.sig',
      maxEntries: 8,
      signal: longSignal(),
    }),
    { code: 'IMAGEGATE_REGISTRY_UNTRUSTED', message: /ghcr\.io\/evil\/acme is not under its trusted repositories/ },
    'signature discovery reads through the same refusal',
  );
  // A trusted repository is contacted (here: DNS is asked, and fails).
  const trusted = await p.pin({ images: [ref('ghcr.io/acme/app:1')], signal: longSignal() });
  t.equal(trusted[0]?.kind === 'unresolved' ? trusted[0].code : '', 'IMAGEGATE_REGISTRY_UNAVAILABLE');
  t.same(
    [...new Set(w.seen)],
    ['dns ghcr.io'],
    'only the trusted repository reached DNS (with retries); nothing was requested',
  );
});

t.test('a mirror must lie under what its host entry trusts, and outside its own upstream', async (t) => {
  t.throws(
    () =>
      createRegistryPinner({
        registries: registriesConfig({
          hosts: [{ host: 'm.example.com', repositories: ['hub'] }],
          mirrors: [{ from: 'docker.io/library', to: 'm.example.com/quay' }],
        }),
      }),
    {
      code: 'IMAGEGATE_REGISTRY_CONFIG_INVALID',
      message:
        /the mirror "m\.example\.com\/quay" of "docker\.io\/library" is not under the repositories registries\.hosts trusts on m\.example\.com \(hub\)/,
    },
  );
  t.throws(
    () =>
      createRegistryPinner({
        registries: registriesConfig({
          hosts: [{ host: 'docker.io' }],
          mirrors: [{ from: 'docker.io/library', to: 'docker.io/library/mirror', rewrite: true }],
        }),
      }),
    { message: /the mirror "docker\.io\/library\/mirror" lies under its own upstream "docker\.io\/library"/ },
  );
});
