/**
 * `input.request.namespaceLabels` end to end: the webhook over real TLS, a policy compiled by
 * imagegate and run by the opa-wasm SDK, and the in-cluster reader (config as `imagegate serve`
 * builds it) against the fake Kubernetes API server. A policy keyed on a label decides on it;
 * a failed read reaches the policy as namespaceLabelsError and is never "no labels".
 */
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildBundle, readBundle } from '../../src/policy/index.js';
import { createBundleDecider } from '../../src/policy/internal.js';
import { createNamespaceLabelsReader } from '../../src/kube/index.js';
import { defaultConfig } from '../../src/config/index.js';
import { startKubeFixture } from '../fixtures/kube/index.js';
import { podCase, review } from '../fixtures/reviews.js';
import { reviewResponse, startTestServer } from '../fixtures/server.js';

const POLICY = `package imagegate

import rego.v1

decision := {"violations": violations}

violations contains v if {
	e := input.request.namespaceLabelsError
	v := {"rule": "namespace-labels", "message": sprintf("labels unreadable: %s", [e.code])}
}

violations contains v if {
	team := object.get(input.request.namespaceLabels, "team", "(none)")
	team != "payments"
	v := {"rule": "team", "message": sprintf("namespace team is %s", [team])}
}

violations contains v if {
	not input.request.namespaceLabels
	not input.request.namespaceLabelsError
	v := {"rule": "absent", "message": "neither namespaceLabels nor namespaceLabelsError"}
}
`;

const { kubeApi, tokens } = await startKubeFixture((fn) => t.teardown(fn));
kubeApi.putNamespace({ name: 'payments', labels: { team: 'payments' } });
kubeApi.putNamespace({ name: 'web', labels: { team: 'web' } });
kubeApi.forbid('namespaces', '', 'locked');
const caFile = join(dirname(tokens.tokenFile), 'ca.crt');
await writeFile(caFile, kubeApi.caPem);

const bytes = await buildBundle({ sources: [{ file: 'labels.rego', text: POLICY }] });
const decider = await createBundleDecider({
  bundle: await readBundle({ bytes, source: 'labels' }),
  entrypoint: 'imagegate/decision',
  source: 'labels',
  evaluators: 1,
});
t.teardown(() => decider.close());

const reader = createNamespaceLabelsReader({
  config: { enabled: true, cacheTtlMs: 60_000, timeoutMs: 1_000 },
  connection: { ...defaultConfig.registries.pullSecrets, apiServer: kubeApi.url, tokenFile: tokens.tokenFile, caFile },
});
t.teardown(() => reader.close());
const srv = await startTestServer({ decider, namespaceLabels: reader });
t.teardown(() => srv.close());
const plain = await startTestServer({ decider });
t.teardown(() => plain.close());

const inNamespace = (namespace: string) =>
  review(podCase, { namespace, object: podCase.wrap({ containers: [{ name: 'app', image: 'nginx:1' }] }) });
const nsReads = (name: string): number =>
  kubeApi.requests.filter((r) => r.path === `/api/v1/namespaces/${name}`).length;

t.test('a policy keyed on a namespace label admits and denies by it, one API read per namespace', async (t) => {
  const ok = reviewResponse((await srv.post('/validate', inNamespace('payments'))).json);
  t.equal(ok.allowed, true);
  const again = reviewResponse((await srv.post('/validate', inNamespace('payments'))).json);
  t.equal(again.allowed, true);
  t.equal(nsReads('payments'), 1, 'the second review used the cached labels');
  const web = reviewResponse((await srv.post('/validate', inNamespace('web'))).json);
  t.equal(web.allowed, false);
  t.match(web.status, {
    code: 403,
    message: /^imagegate denied Pod "web\/web" \(1 violation\):\n- \(object\): team: namespace team is web/,
  });
});

t.test('labels that cannot be read deny with the reason the policy was given', async (t) => {
  const locked = reviewResponse((await srv.post('/validate', inNamespace('locked'))).json);
  t.equal(locked.allowed, false);
  t.match(locked.status, { message: /\n- \(object\): namespace-labels: labels unreadable: IMAGEGATE_KUBE_FORBIDDEN/ });
  t.notMatch(locked.status, { message: /namespace team is/ }, 'the failure is not read as "no team label"');
});

t.test('not configured: the input has neither field', async (t) => {
  const before = kubeApi.requests.length;
  const r = reviewResponse((await plain.post('/validate', inNamespace('payments'))).json);
  t.match(r.status, { message: /\n- \(object\): absent: neither namespaceLabels nor namespaceLabelsError/ });
  t.equal(kubeApi.requests.length, before, 'no API read');
});
