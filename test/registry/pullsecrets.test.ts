import t, { type Test } from 'tap';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryPinner } from '../../src/registry/index.js';
import { readPullCredentials, type PinContext, type RegistryPinner } from '../../src/registry/internal.js';
import type { KubeClient } from '../../src/kube/index.js';
import { createKubeClient } from '../../src/kube/internal.js';
import { buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { dockerConfigJson, startKubeFixture } from '../fixtures/kube/index.js';
import { longSignal, pinnedOf, reasonOf, ref, registriesConfig } from './helpers.js';

const reg = await startRegistry();
t.teardown(() => reg.close());
const { kubeApi, tokens, kubeAgent } = await startKubeFixture((fn) => t.teardown(fn));

const app = buildImage({ content: 'pull secret app' });
await reg.push('team/app', '1', app);
const image = `${reg.host}/team/app:1`;
const pinned = `${image}@${app.manifest.digest}`;

const NS = 'team-a';
kubeApi.putSecret({
  namespace: NS,
  name: 'regcred',
  data: { '.dockerconfigjson': dockerConfigJson(reg.host, REGISTRY_USER, REGISTRY_PASSWORD) },
});
kubeApi.putSecret({
  namespace: NS,
  name: 'wrongcred',
  data: { '.dockerconfigjson': dockerConfigJson(reg.host, REGISTRY_USER, 'not-the-password') },
});
kubeApi.putSecret({
  namespace: NS,
  name: 'othercred',
  data: { '.dockerconfigjson': dockerConfigJson('other.example.com', 'x', 'y') },
});
kubeApi.putSecret({ namespace: NS, name: 'opaque', type: 'Opaque', data: { password: REGISTRY_PASSWORD } });
kubeApi.putSecret({ namespace: NS, name: 'broken', data: { '.dockerconfigjson': `{"auths": ${REGISTRY_PASSWORD}` } });
kubeApi.putServiceAccount({ namespace: NS, name: 'default' });
kubeApi.putServiceAccount({ namespace: NS, name: 'builder', imagePullSecrets: ['regcred'] });
kubeApi.forbid('secrets', NS, 'locked');

function kubeClient(t: Test, cacheTtlMs = 0): KubeClient {
  const k = createKubeClient({
    apiServer: kubeApi.url,
    tokenFile: tokens.tokenFile,
    dispatcher: kubeAgent,
    cacheTtlMs,
    timeoutMs: 2_000,
  });
  t.teardown(() => k.close());
  return k;
}

/** A pinner trusting the real registry (CA from caFile), no static credentials. */
function pinner(
  t: Test,
  kube: KubeClient,
  hosts: Record<string, unknown>[] = [{ host: reg.host, caFile: reg.caFile }],
): RegistryPinner {
  const p = createRegistryPinner({ registries: registriesConfig({ hosts, cacheTtlMs: 0, failureTtlMs: 0 }), kube });
  t.teardown(() => p.close());
  return p;
}

const ctx = (imagePullSecrets: string[], serviceAccountName?: string): PinContext => ({
  namespace: NS,
  imagePullSecrets,
  ...(serviceAccountName === undefined ? {} : { serviceAccountName }),
});

async function pinWith(p: RegistryPinner, context: PinContext, img = image) {
  const [out] = await p.pin({ images: [ref(img)], signal: longSignal(), context });
  return out;
}

t.test("the pod's pull secret with the right credentials pins; the API saw the bearer token", async (t) => {
  const seenBefore = kubeApi.requests.length;
  const p = pinner(t, kubeClient(t));
  t.equal(pinnedOf(await pinWith(p, ctx(['regcred']))), pinned);
  const seen = kubeApi.requests.slice(seenBefore);
  t.same(seen.map((r) => `${r.method} ${r.path}`).sort(), [
    `GET /api/v1/namespaces/${NS}/secrets/regcred`,
    `GET /api/v1/namespaces/${NS}/serviceaccounts/default`,
  ]);
  t.ok(seen.every((r) => r.authorization === `Bearer ${kubeApi.token}`));
});

t.test('without a pull secret: 401 in the reason; wrong credentials: 401 too', async (t) => {
  const p = pinner(t, kubeClient(t));
  t.match(reasonOf(await pinWith(p, ctx([]))), /authentication required \(HTTP 401\)/);
  t.match(reasonOf(await pinWith(p, ctx(['wrongcred']))), /access denied \(HTTP 401\) with the credentials sent/);
  t.match(reasonOf(await pinWith(p, ctx(['othercred']))), /HTTP 401/, 'a secret for another registry does not help');
});

t.test("the service account's imagePullSecrets are used", async (t) => {
  const p = pinner(t, kubeClient(t));
  t.equal(pinnedOf(await pinWith(p, ctx([], 'builder'))), pinned);
});

t.test("one tenant's credentials never answer for another (cache keyed by credentials)", async (t) => {
  const p = createRegistryPinner({
    registries: registriesConfig({
      hosts: [{ host: reg.host, caFile: reg.caFile }],
      cacheTtlMs: 60_000,
      failureTtlMs: 60_000,
    }),
    kube: kubeClient(t, 60_000),
  });
  t.teardown(() => p.close());
  t.match(reasonOf(await pinWith(p, ctx([]))), /HTTP 401/, 'anonymous first: the failure is cached');
  t.equal(pinnedOf(await pinWith(p, ctx(['regcred']))), pinned, 'the cached 401 does not hit the pod with credentials');
  kubeApi.putServiceAccount({ namespace: 'team-b', name: 'default' });
  const [out] = await p.pin({
    images: [ref(image)],
    signal: longSignal(),
    context: { namespace: 'team-b', imagePullSecrets: ['regcred'] },
  });
  t.match(
    reasonOf(out),
    /secret team-b\/regcred does not exist \(HTTP 404\)/,
    "team-b cannot use team-a's secret nor its cached digest",
  );
});

t.test('a missing or forbidden secret yields a clear reason naming it', async (t) => {
  const k = kubeClient(t);
  const p = pinner(t, k);
  const missing = await p.resolver.resolve({
    ref: ref(image),
    signal: longSignal(),
    pullCredentials: () => readPullCredentials({ kube: k, context: ctx(['nope']), signal: longSignal() }),
  });
  if (missing.ok) throw new Error('resolved');
  t.equal(missing.error.code, 'IMAGEGATE_REGISTRY_PULL_SECRET_UNAVAILABLE');
  t.equal(
    missing.error.message,
    `registry ${reg.host}: secret ${NS}/nope does not exist (HTTP 404): create it in that namespace, or remove it from imagePullSecrets; without it: authentication required (HTTP 401) and no credentials are configured (image ${image})`,
  );
  t.match(
    reasonOf(await pinWith(p, ctx(['locked']))),
    new RegExp(
      `^registry ${reg.host}: reading secret ${NS}/locked: forbidden \\(HTTP 403\\): grant the webhook's service account get on secrets and serviceaccounts \\(RBAC\\); without it: authentication required`,
    ),
  );
  t.match(
    reasonOf(await pinWith(p, ctx(['opaque']))),
    /secret team-a\/opaque: it has type "Opaque", expected kubernetes\.io\/dockerconfigjson/,
  );
  const broken = reasonOf(await pinWith(p, ctx(['broken'])));
  t.match(broken, /secret team-a\/broken: the kubernetes\.io\/dockerconfigjson secret data is invalid: it is not JSON/);
  t.notMatch(broken, REGISTRY_PASSWORD, 'secret data is never echoed');
  t.equal(
    pinnedOf(await pinWith(p, ctx(['nope', 'regcred']))),
    pinned,
    'a missing secret does not matter when another one works',
  );
});

t.test('names from the pod spec cannot reshape the API path', async (t) => {
  const before = kubeApi.requests.length;
  const p = pinner(t, kubeClient(t));
  const reason = reasonOf(await pinWith(p, ctx(['../../../../api/v1/namespaces/kube-system/secrets/admin', 'A%2Fb'])));
  t.match(reason, /the secret name "\.\.\/\.\.\/.*" is not a valid object name/);
  t.same(
    kubeApi.requests.slice(before).map((r) => r.path),
    [`/api/v1/namespaces/${NS}/serviceaccounts/default`],
    'only the service account was read',
  );
});

t.test('a secret never makes an untrusted host trusted; static config credentials win', async (t) => {
  const before = kubeApi.requests.length;
  const p = pinner(t, kubeClient(t), [{ host: 'unrelated.example.com' }]);
  t.match(reasonOf(await pinWith(p, ctx(['regcred']))), /not in the trusted registries/);
  const stat = pinner(t, kubeClient(t), [
    { host: reg.host, caFile: reg.caFile, credentials: { username: REGISTRY_USER, password: 'config-is-wrong' } },
  ]);
  t.match(
    reasonOf(await pinWith(stat, ctx(['regcred']))),
    /HTTP 401/,
    'the static (wrong) credentials were used, not the secret',
  );
  t.equal(kubeApi.requests.length, before, 'and the Kubernetes API was never asked');
});

t.test('a rotated token file is picked up', async (t) => {
  const k = kubeClient(t);
  const p = pinner(t, k);
  t.equal(pinnedOf(await pinWith(p, ctx(['regcred']))), pinned);
  kubeApi.token = 'token-2';
  await tokens.rotate('token-2');
  const before = kubeApi.requests.length;
  t.equal(pinnedOf(await pinWith(p, ctx(['regcred']))), pinned);
  const after = kubeApi.requests.slice(before);
  t.ok(
    after.length >= 2 && after.every((r) => r.authorization === 'Bearer token-2'),
    'only the new token was sent (no 401 round trip)',
  );
});

t.test('a token the API server refuses: unauthorized, with the fix', async (t) => {
  const saved = kubeApi.token;
  kubeApi.token = 'something-else';
  t.teardown(() => {
    kubeApi.token = saved;
  });
  const p = pinner(t, kubeClient(t));
  t.match(
    reasonOf(await pinWith(p, ctx(['regcred']))),
    /reading (service account team-a\/default|secret team-a\/regcred): the API server refused the service account token \(HTTP 401\): check that the webhook's service account token is mounted and valid/,
  );
});

t.test('pullSecrets enabled in config: the pinner builds the in-cluster client at start-up', async (t) => {
  const caFile = join(tmpdir(), `imagegate-missing-${process.pid}.crt`);
  t.throws(
    () =>
      createRegistryPinner({
        registries: registriesConfig({ pullSecrets: { enabled: true, caFile, apiServer: 'https://127.0.0.1:1' } }),
      }),
    { code: 'IMAGEGATE_KUBE_CONFIG_INVALID', message: /cannot read the API server CA/ },
  );
});

t.test('config: pullSecrets defaults and unknown keys rejected', async (t) => {
  t.same(registriesConfig({}).pullSecrets, {
    enabled: false,
    tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    cacheTtlMs: 10_000,
    timeoutMs: 2_000,
  });
  t.throws(() => registriesConfig({ pullSecrets: { enable: true } }), { message: /unknown key "enable"/ });
  t.throws(() => registriesConfig({ pullSecrets: { apiServer: 'http://10.0.0.1' } }), {
    message: /apiServer: must match pattern/,
  });
});

t.test("through /mutate: the webhook passes the pod's namespace, pull secrets and service account", async (t) => {
  const { startTestServer, reviewResponse, decodePatch } = await import('../fixtures/server.js');
  const { recordingDecider } = await import('../fixtures/deciders.js');
  const { podCase, review } = await import('../fixtures/reviews.js');
  const srv = await startTestServer({ decider: recordingDecider().decider, pinner: pinner(t, kubeClient(t)) });
  t.teardown(() => srv.close());
  const pod = (spec: Record<string, unknown>) =>
    review(podCase, { object: podCase.wrap({ containers: [{ name: 'app', image }], ...spec }) });

  const withSecret = reviewResponse((await srv.post('/mutate', pod({ imagePullSecrets: [{ name: 'regcred' }] }))).json);
  t.same(
    decodePatch(withSecret),
    [{ op: 'replace', path: '/spec/containers/0/image', value: pinned }],
    "the pod spec's imagePullSecrets reach the registry",
  );

  const viaAccount = reviewResponse((await srv.post('/mutate', pod({ serviceAccountName: 'builder' }))).json);
  t.same(
    decodePatch(viaAccount),
    [{ op: 'replace', path: '/spec/containers/0/image', value: pinned }],
    "so does the service account's",
  );

  const without = reviewResponse((await srv.post('/mutate', pod({}))).json);
  t.notOk('patch' in without);
  t.match(without.warnings, [/401/], 'without credentials the warning says 401');
});
