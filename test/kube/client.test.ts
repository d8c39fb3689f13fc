/**
 * The Kubernetes API client against a fake API server over real TLS: in-cluster configuration
 * and the per-object TTL cache. Pull-secret decoding and its use by the pinner are
 * test/registry/pullsecrets.test.ts.
 */
import t, { type Test } from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInClusterKubeClient, type KubeClient } from '../../src/kube/index.js';
import { createKubeClient } from '../../src/kube/internal.js';
import { defaultConfig } from '../../src/config/index.js';
import { dockerConfigJson, startKubeFixture } from '../fixtures/kube/index.js';

const { kubeApi, tokens, kubeAgent } = await startKubeFixture((fn) => t.teardown(fn));

const NS = 'team-a';
kubeApi.putSecret({
  namespace: NS,
  name: 'regcred',
  data: { '.dockerconfigjson': dockerConfigJson('registry.example.com', 'user', 'password') },
});
kubeApi.putServiceAccount({ namespace: NS, name: 'builder', imagePullSecrets: ['regcred'] });

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

/** A signal that never aborts on its own. */
function longSignal(): AbortSignal {
  return new AbortController().signal;
}

t.test('in-cluster config: KUBERNETES_SERVICE_HOST/PORT, token and CA files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-incluster-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'ca.crt'), kubeApi.caPem);
  const config = {
    ...defaultConfig.registries.pullSecrets,
    enabled: true,
    tokenFile: tokens.tokenFile,
    caFile: join(dir, 'ca.crt'),
  };
  const k = createInClusterKubeClient({
    config,
    env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(kubeApi.port) },
  });
  t.teardown(() => k.close());
  t.same(await k.getServiceAccount({ namespace: NS, name: 'builder', signal: longSignal() }), {
    imagePullSecrets: ['regcred'],
  });
  t.throws(() => createInClusterKubeClient({ config, env: {} }), {
    code: 'IMAGEGATE_KUBE_CONFIG_INVALID',
    message: /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/,
  });
  t.throws(
    () =>
      createInClusterKubeClient({
        config: { ...config, caFile: join(dir, 'missing.crt') },
        env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      }),
    { code: 'IMAGEGATE_KUBE_CONFIG_INVALID', message: /cannot read the API server CA/ },
  );
});

t.test('reads are cached per namespace/name for cacheTtlMs, 404s included', async (t) => {
  const k = kubeClient(t, 60_000);
  const before = kubeApi.requests.length;
  for (let i = 0; i < 3; i++) {
    await k.getSecret({ namespace: NS, name: 'regcred', signal: longSignal() });
    await t.rejects(k.getSecret({ namespace: NS, name: 'nope', signal: longSignal() }), {
      code: 'IMAGEGATE_KUBE_NOT_FOUND',
    });
  }
  t.equal(kubeApi.requests.length - before, 2);
});
