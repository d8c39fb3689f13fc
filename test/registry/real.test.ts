import t from 'tap';
import type { Dispatcher } from 'undici';
import { createRegistryPinner } from '../../src/registry/index.js';
import { createRegistryResolver } from '../../src/registry/internal.js';
import {
  buildImage,
  buildMultiArch,
  startRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
} from '../fixtures/registry/index.js';
import { longSignal, manualClock, pinnedOf, reasonOf, ref, registriesConfig } from './helpers.js';

const reg = await startRegistry();
t.teardown(() => reg.close());

const v1 = buildImage({ content: 'app v1' });
const v2 = buildImage({ content: 'app v2' });
const multi = buildMultiArch('multi');
await reg.push('team/app', 'v1', v1);
await reg.push('team/app', 'v2', v2);
await reg.push('team/app', 'multi', multi);

const withCreds = (extra: Record<string, unknown> = {}) =>
  registriesConfig({
    hosts: [
      { host: reg.host, caFile: reg.caFile, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } },
    ],
    ...extra,
  });

/** Records the paths the resolver requests. */
function recording(agent: Dispatcher): { dispatcher: Dispatcher; paths: string[] } {
  const paths: string[] = [];
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    paths.push(`${opts.method} ${opts.path}`);
    return dispatch(opts, handler);
  });
  return { dispatcher, paths };
}

t.test('a tag resolves to the sha256 of the manifest bytes pushed (CA from caFile)', async (t) => {
  const pinner = createRegistryPinner({ registries: withCreds() });
  t.teardown(() => pinner.close());
  const [out] = await pinner.pin({ images: [ref(`${reg.host}/team/app:v1`)], signal: longSignal() });
  t.equal(pinnedOf(out), `${reg.host}/team/app:v1@${v1.manifest.digest}`);
});

t.test('a multi-arch tag pins the index digest and exposes its platform children', async (t) => {
  const resolver = createRegistryResolver({ registries: withCreds() });
  t.teardown(() => resolver.close());
  const r = await resolver.resolve({ ref: ref(`${reg.host}/team/app:multi`), signal: longSignal() });
  if (!r.ok) throw r.error;
  t.equal(r.resolution.digest, multi.manifest.digest, 'the digest the tag points to: the index');
  t.equal(r.resolution.mediaType, 'application/vnd.oci.image.index.v1+json');
  t.same(
    r.resolution.manifests.map((m) => [m.digest, m.platform]),
    multi.children.map((c) => [c.manifest.digest, c.platform]),
  );
});

t.test('without credentials: unauthorized, naming image, registry and fix; with them: pinned', async (t) => {
  const anon = createRegistryPinner({
    registries: registriesConfig({ hosts: [{ host: reg.host, caFile: reg.caFile }] }),
  });
  t.teardown(() => anon.close());
  const [out] = await anon.pin({ images: [ref(`${reg.host}/team/app:v1`)], signal: longSignal() });
  const reason = reasonOf(out);
  t.match(reason, `registry ${reg.host}: `);
  t.match(reason, `(image ${reg.host}/team/app:v1)`);
  t.match(reason, /authentication required \(HTTP 401\)/);
  t.match(reason, /registries\.hosts\[\]\.credentials/);

  const wrong = createRegistryPinner({
    registries: registriesConfig({
      hosts: [{ host: reg.host, caFile: reg.caFile, credentials: { username: 'alice', password: 'nope' } }],
    }),
  });
  t.teardown(() => wrong.close());
  t.match(
    reasonOf((await wrong.pin({ images: [ref(`${reg.host}/team/app:v1`)], signal: longSignal() }))[0]),
    /HTTP 401/,
  );
});

t.test('an unknown tag is not found', async (t) => {
  const pinner = createRegistryPinner({ registries: withCreds() });
  t.teardown(() => pinner.close());
  const [out] = await pinner.pin({ images: [ref(`${reg.host}/team/app:nope`)], signal: longSignal() });
  t.match(
    reasonOf(out),
    new RegExp(
      `^registry ${reg.host}: tag nope: not found \\(HTTP 404\\): check .* \\(image ${reg.host}/team/app:nope\\)$`,
    ),
  );
});

t.test('without the CA the TLS failure is named', async (t) => {
  const pinner = createRegistryPinner({
    registries: registriesConfig({ hosts: [{ host: reg.host, timeoutMs: 3000 }] }),
  });
  t.teardown(() => pinner.close());
  const [out] = await pinner.pin({ images: [ref(`${reg.host}/team/app:v1`)], signal: longSignal() });
  t.match(reasonOf(out), /TLS connection failed .*caFile/);
});

t.test('one GET per cold tag, its bytes decide the digest; concurrent lookups of one tag share it', async (t) => {
  const { dispatcher, paths } = recording(reg.agent);
  const pinner = createRegistryPinner({ registries: withCreds(), dispatcher });
  const images = [ref(`${reg.host}/team/app:v2`), ref(`${reg.host}/team/app:v2`), ref(`${reg.host}/team/app:v2`)];
  const outs = await pinner.pin({ images, signal: longSignal() });
  t.same(
    outs.map(pinnedOf),
    images.map(() => `${reg.host}/team/app:v2@${v2.manifest.digest}`),
  );
  const manifestCalls = paths.filter((p) => p.includes('/manifests/'));
  t.same(
    manifestCalls,
    [`GET /v2/team/app/manifests/v2`, `GET /v2/team/app/manifests/v2`],
    'one GET by tag for three lookups, repeated once with credentials after the 401; no HEAD, no GET by digest',
  );
});

t.test('a moved tag is served from cache within the TTL and re-resolved after it', async (t) => {
  const clock = manualClock();
  const pinner = createRegistryPinner({ registries: withCreds({ cacheTtlMs: 10_000 }), clock });
  t.teardown(() => pinner.close());
  const image = ref(`${reg.host}/team/moving:1`);
  await reg.push('team/moving', '1', v1);
  t.equal(
    pinnedOf((await pinner.pin({ images: [image], signal: longSignal() }))[0]),
    `${reg.host}/team/moving:1@${v1.manifest.digest}`,
  );
  await reg.push('team/moving', '1', v2);
  clock.advance(9_000);
  t.equal(
    pinnedOf((await pinner.pin({ images: [image], signal: longSignal() }))[0]),
    `${reg.host}/team/moving:1@${v1.manifest.digest}`,
    'cached',
  );
  clock.advance(2_000);
  t.equal(
    pinnedOf((await pinner.pin({ images: [image], signal: longSignal() }))[0]),
    `${reg.host}/team/moving:1@${v2.manifest.digest}`,
    're-resolved after the TTL',
  );
});

t.test('a failure is cached briefly and separately from successes', async (t) => {
  const clock = manualClock();
  const pinner = createRegistryPinner({ registries: withCreds({ failureTtlMs: 1_000 }), clock });
  t.teardown(() => pinner.close());
  const image = ref(`${reg.host}/team/late:1`);
  t.match(reasonOf((await pinner.pin({ images: [image], signal: longSignal() }))[0]), /not found/);
  await reg.push('team/late', '1', v1);
  t.match(
    reasonOf((await pinner.pin({ images: [image], signal: longSignal() }))[0]),
    /not found/,
    'within failureTtlMs',
  );
  clock.advance(1_001);
  t.equal(
    pinnedOf((await pinner.pin({ images: [image], signal: longSignal() }))[0]),
    `${reg.host}/team/late:1@${v1.manifest.digest}`,
  );
});

t.test('a mirror resolves docker.io/library/* on the registry under a prefix', async (t) => {
  await reg.push('hub/library/busybox', 'latest', v2);
  const pinner = createRegistryPinner({
    registries: withCreds({ mirrors: [{ from: 'docker.io/library', to: `${reg.host}/hub/library` }] }),
  });
  t.teardown(() => pinner.close());
  const outs = await pinner.pin({ images: [ref('busybox'), ref('docker.io/other/app:1')], signal: longSignal() });
  t.equal(pinnedOf(outs[0]), `docker.io/library/busybox:latest@${v2.manifest.digest}`);
  t.match(reasonOf(outs[1]), /registry docker\.io: not in the trusted registries/);
});

t.test('the fixture fails with the install command when the binary is missing', async (t) => {
  await t.rejects(startRegistry({ binary: '/nonexistent/docker-registry' }), {
    message: /apt-get update && apt-get install -y --no-install-recommends docker-registry/,
  });
});
