/**
 * Namespace labels for policies, read through the kube room's client from the fake API server
 * over real TLS: labels as the API server has them, one GET per namespace shared by concurrent
 * reviews, reused for cacheTtlMs on the injected clock, and every failure a value with its code.
 */
import t, { type Test } from 'tap';
import { createKubeClient, namespaceLabelsReader } from '../../src/kube/internal.js';
import { startKubeFixture } from '../fixtures/kube/index.js';

const { kubeApi, tokens, kubeAgent } = await startKubeFixture((fn) => t.teardown(fn));
kubeApi.putNamespace({ name: 'payments', labels: { team: 'payments', tier: 'prod' } });

function reader(t: Test, opts: { readonly cacheTtlMs: number; readonly timeoutMs?: number; now?: () => number }) {
  const kube = createKubeClient({
    apiServer: kubeApi.url,
    tokenFile: tokens.tokenFile,
    dispatcher: kubeAgent,
    cacheTtlMs: opts.cacheTtlMs,
    timeoutMs: opts.timeoutMs ?? 2_000,
    settingsKey: 'admission.namespaceLabels',
    ...(opts.now === undefined ? {} : { clock: { now: opts.now } }),
  });
  t.teardown(() => kube.close());
  return namespaceLabelsReader({ kube });
}

const longSignal = (): AbortSignal => new AbortController().signal;
const reads = (name: string): number => kubeApi.requests.filter((r) => r.path === `/api/v1/namespaces/${name}`).length;

t.test(
  'labels as the API server has them; one GET for concurrent reviews; reused until cacheTtlMs passes',
  async (t) => {
    let now = 1_000;
    const r = reader(t, { cacheTtlMs: 5_000, now: () => now });
    const before = reads('payments');
    const all = await Promise.all(
      Array.from({ length: 8 }, () => r.read({ namespace: 'payments', signal: longSignal() })),
    );
    const expected = {
      kind: 'labels',
      labels: { 'kubernetes.io/metadata.name': 'payments', team: 'payments', tier: 'prod' },
    };
    for (const got of all) t.same(got, expected);
    t.equal(reads('payments') - before, 1, 'eight concurrent reviews, one GET');
    kubeApi.putNamespace({ name: 'payments', labels: { team: 'billing' } });
    now = 5_999;
    t.same(await r.read({ namespace: 'payments', signal: longSignal() }), expected, 'within the TTL: cached');
    t.equal(reads('payments') - before, 1);
    now = 6_001;
    t.match(await r.read({ namespace: 'payments', signal: longSignal() }), {
      kind: 'labels',
      labels: { team: 'billing' },
    });
    t.equal(reads('payments') - before, 2, 'after the TTL: read again, and the new labels are seen');
  },
);

t.test('failures reach the policy with their code and the fix, never as "no labels"', async (t) => {
  const r = reader(t, { cacheTtlMs: 0 });
  kubeApi.forbid('namespaces', '', 'secret-team');
  t.same(await r.read({ namespace: 'secret-team', signal: longSignal() }), {
    kind: 'error',
    error: {
      code: 'IMAGEGATE_KUBE_FORBIDDEN',
      message:
        "reading namespace secret-team: forbidden (HTTP 403): grant the webhook's service account get on namespaces (RBAC, manifests/imagegate.yaml)",
    },
  });
  t.match(await r.read({ namespace: 'ghost', signal: longSignal() }), {
    kind: 'error',
    error: { code: 'IMAGEGATE_KUBE_NOT_FOUND', message: /^namespace ghost does not exist \(HTTP 404\)/ },
  });
  const before = kubeApi.requests.length;
  t.match(await r.read({ namespace: '../secrets/x', signal: longSignal() }), {
    kind: 'error',
    error: {
      code: 'IMAGEGATE_KUBE_INVALID_NAME',
      message: /the namespace "\.\.\/secrets\/x" is not a valid namespace name/,
    },
  });
  t.match(await r.read({ namespace: '', signal: longSignal() }), {
    kind: 'error',
    error: { code: 'IMAGEGATE_KUBE_INVALID_NAME' },
  });
  t.equal(kubeApi.requests.length, before, 'a name that could reshape the path is never sent');
});

t.test('a slow API server: timeoutMs, or the review deadline when it is shorter', async (t) => {
  kubeApi.putNamespace({ name: 'slow', labels: { team: 'x' } });
  kubeApi.delayMs = 3_000;
  t.teardown(() => {
    kubeApi.delayMs = 0;
  });
  const r = reader(t, { cacheTtlMs: 0, timeoutMs: 300 });
  const own = await r.read({ namespace: 'slow', signal: longSignal() });
  t.match(own, {
    kind: 'error',
    error: {
      code: 'IMAGEGATE_KUBE_TIMEOUT',
      message:
        /no answer within 300 ms \(admission\.namespaceLabels\.timeoutMs\): retry; raise admission\.namespaceLabels\.timeoutMs/,
    },
  });
  const long = reader(t, { cacheTtlMs: 0, timeoutMs: 10_000 });
  const started = performance.now();
  const review = await long.read({ namespace: 'slow', signal: AbortSignal.timeout(200) });
  const ms = performance.now() - started;
  t.match(review, { kind: 'error', error: { code: 'IMAGEGATE_KUBE_TIMEOUT', message: /the review deadline/ } });
  t.ok(ms < 2_500, `answered by the review deadline, not the API server's 3 s (${Math.round(ms)} ms)`);
});
