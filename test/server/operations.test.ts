import t from 'tap';
import { request } from 'undici';
import type { Decider, Verdict } from '../../src/admission/index.js';
import { createMetrics, createSwappable, instrumentDecider } from '../../src/server/index.js';
import { MAX_RULE_LABELS, OTHER_RULE, readinessOf } from '../../src/server/internal.js';
import { validateConfig } from '../../src/config/internal.js';
import { recordingDecider } from '../fixtures/deciders.js';
import { startTestServer } from '../fixtures/server.js';
import { podCase, review } from '../fixtures/reviews.js';

t.test(
  'GET /metrics: decisions by verdict and rule, sub-5 ms latency buckets, decision time, certificate expiry',
  async (t) => {
    const { decider } = recordingDecider({ deniedRegistry: 'evil.example.com' });
    const server = await startTestServer({ decider });
    t.teardown(() => server.close());
    const pod = (image: string, uid: string) =>
      review(podCase, { uid, object: podCase.wrap({ containers: [{ name: 'app', image }] }) });
    await server.post('/validate', pod('registry.example.com/app@sha256:' + 'a'.repeat(64), 'u1'));
    await server.post('/validate', pod('evil.example.com/app@sha256:' + 'b'.repeat(64), 'u2'));
    await server.post('/validate', pod('evil.example.com/app@sha256:' + 'c'.repeat(64), 'u3'));
    const res = await request(`${server.url}/metrics`, { dispatcher: server.agent });
    const text = await res.body.text();
    t.match(text, /imagegate_policy_decisions_total\{verdict="allow",rule=""\} 1/);
    t.match(text, /imagegate_policy_decisions_total\{verdict="deny",rule="trusted-registries"\} 2/);
    t.match(text, /imagegate_policy_decision_duration_seconds_count 3/);
    for (const le of ['0.00025', '0.0005', '0.001', '0.002', '0.003', '0.005'])
      t.match(
        text,
        new RegExp(`imagegate_admission_duration_seconds_bucket\\{le="${le}",endpoint="validate"\\} \\d+`),
        le,
      );
    t.match(text, /imagegate_policy_decision_duration_seconds_bucket\{le="0.00025"\}/);
    const expiry = /imagegate_certificate_expiry_timestamp_seconds (\d+)/.exec(text)?.[1];
    t.ok(
      expiry !== undefined && Number(expiry) > Date.now() / 1000,
      `certificate expiry in the future (${expiry ?? 'absent'})`,
    );
    const ready = await request(`${server.url}/readyz`, { dispatcher: server.agent });
    const body: unknown = await ready.body.json();
    t.match(body, { status: 'ready', certificateNotAfter: new Date(Number(expiry) * 1000).toISOString() });
  },
);

t.test('rule labels are bounded: a policy naming rules after its input cannot make a series per review', async (t) => {
  const metrics = createMetrics();
  let n = 0;
  const inner: Decider = {
    decide: (): Promise<Verdict> => {
      n++;
      const rule = n % 2 === 0 ? `rule-${n}` : 'x'.repeat(64);
      return Promise.resolve({
        kind: 'deny',
        warnings: [],
        violations: [{ container: 'a', image: 'i', rule, message: 'm', fix: '' }],
      });
    },
  };
  const decider = instrumentDecider({ decider: inner, metrics });
  const request = {
    apiVersion: 'admission.k8s.io/v1',
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: 'pods',
    subResource: '',
    operation: 'CREATE',
    namespace: 'a',
    name: 'p',
    dryRun: false,
    username: 'alice',
  } as const;
  const args = { request, images: [], signal: new AbortController().signal };
  for (let i = 0; i < 3 * MAX_RULE_LABELS; i++) await decider.decide(args);
  const series = (await metrics.decisions.get()).values;
  t.equal(series.filter((v) => v.labels.rule !== OTHER_RULE).length, MAX_RULE_LABELS, 'at most MAX_RULE_LABELS names');
  t.equal(series.find((v) => v.labels.rule === OTHER_RULE)?.value, 3 * MAX_RULE_LABELS - MAX_RULE_LABELS);
});

t.test('a swapped value is handed back only once every review holding it released it', async (t) => {
  const live = createSwappable('old');
  const first = live.acquire();
  const second = live.acquire();
  let retired: string | undefined;
  const swapped = live.swap('new').then((v) => (retired = v));
  const third = live.acquire();
  t.equal(third.value, 'new', 'new acquisitions get the new value at once');
  t.equal(live.inFlight(), 3);
  first.release();
  await new Promise((r) => setImmediate(r));
  t.equal(retired, undefined, 'still held by one review');
  second.release();
  await swapped;
  t.equal(retired, 'old');
  third.release();
  t.equal(await live.swap('newer'), 'new', 'a value nobody holds retires at once');
  t.equal(live.inFlight(), 0);
});

t.test('/readyz: 503 with the reason when draining or when the certificate has expired', async (t) => {
  const config = validateConfig({ value: {}, source: 'test' });
  const deps = { config, decider: recordingDecider().decider, revision: 'r1', configHash: 'sha256:x' };
  const notAfter = Date.parse('2030-01-01T00:00:00Z');
  t.same(readinessOf({ draining: false, deps, certificateNotAfterMs: notAfter, nowMs: notAfter - 1 }), {
    kind: 'ready',
    revision: 'r1',
    configHash: 'sha256:x',
    certificateNotAfter: '2030-01-01T00:00:00.000Z',
  });
  t.match(readinessOf({ draining: false, deps, certificateNotAfterMs: notAfter, nowMs: notAfter }), {
    kind: 'not-ready',
    reason: /serving certificate expired at 2030-01-01T00:00:00.000Z/,
  });
  t.match(readinessOf({ draining: true, deps, certificateNotAfterMs: notAfter, nowMs: 0 }), {
    kind: 'not-ready',
    reason: /shutting down/,
  });
});
