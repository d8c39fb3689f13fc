import type { Test } from 'tap';
import { createRegistryPinner } from '../../src/registry/index.js';
import type { RegistryPinner } from '../../src/registry/internal.js';
import { createKubeClient } from '../../src/kube/internal.js';
import { REGISTRY_PASSWORD, REGISTRY_USER, type TestRegistry } from '../fixtures/registry/index.js';
import { dockerConfigJson, startKubeFixture, type FakeKube } from '../fixtures/kube/index.js';
import { registriesConfig } from '../registry/helpers.js';

/**
 * A pinner over `reg` with no configured credentials: the only way in is the pull secret
 * `regcred` of namespace `team-a` (service account `default`), read from a fake Kubernetes API.
 * Nothing is cached, so every review reads the secret and asks the registry again.
 */
export async function pullSecretPinner(
  t: Test,
  reg: TestRegistry,
): Promise<{ readonly pinner: RegistryPinner; readonly kubeApi: FakeKube }> {
  const { kubeApi, tokens, kubeAgent } = await startKubeFixture((fn) => t.teardown(fn));
  kubeApi.putSecret({
    namespace: 'team-a',
    name: 'regcred',
    data: { '.dockerconfigjson': dockerConfigJson(reg.host, REGISTRY_USER, REGISTRY_PASSWORD) },
  });
  kubeApi.putServiceAccount({ namespace: 'team-a', name: 'default' });
  const kube = createKubeClient({
    apiServer: kubeApi.url,
    tokenFile: tokens.tokenFile,
    dispatcher: kubeAgent,
    cacheTtlMs: 0,
    timeoutMs: 2_000,
  });
  t.teardown(() => kube.close());
  const pinner = createRegistryPinner({
    registries: registriesConfig({ hosts: [{ host: reg.host, caFile: reg.caFile }], cacheTtlMs: 0, failureTtlMs: 0 }),
    kube,
  });
  t.teardown(() => pinner.close());
  return { pinner, kubeApi };
}
