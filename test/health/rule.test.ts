/**
 * From source to verdict: grades looked up by the real health source at the fake services,
 * put into the policy input as the facts stage does (value, or {error} for a throw), and
 * decided by the shipped policies compiled by imagegate and run by the stock opa-wasm SDK.
 */
import t, { type Test } from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { shippedBundle } from '../../src/policy/internal.js';
import { hostBuiltins } from '../../src/rego/index.js';
import { isImagegateError } from '../../src/errors/index.js';
import { createHealthSource } from '../../src/health/index.js';
import type { HealthSource } from '../../src/health/internal.js';
import { fixture, startFakeHealth, type FakeHealth } from '../fixtures/health/index.js';
import { clockAt, DIGESTS, healthConfig } from './helpers.js';

interface Decision {
  readonly violations: readonly { readonly rule: string; readonly message: string; readonly fix: string }[];
  readonly warnings: readonly string[];
}

async function decide(input: unknown): Promise<Decision> {
  const { bundle } = await shippedBundle({ entrypoint: 'imagegate/decision', note: () => undefined });
  const policy = await loadPolicy(bundle.wasm, undefined, hostBuiltins());
  policy.setData({
    imagegate: {
      config: { trusted_registries: ['quay.example.com', 'registry.access.redhat.com'], health: { enabled: true } },
    },
  });
  const results: unknown = policy.evaluate(input, 'imagegate/decision');
  const first: unknown = Array.isArray(results) ? results[0] : undefined;
  if (!isDecisionResult(first))
    throw new Error(`the decision is not {violations, warnings}: ${JSON.stringify(results)}`);
  return first.result;
}

function isDecisionResult(v: unknown): v is { readonly result: Decision } {
  if (typeof v !== 'object' || v === null || !('result' in v)) return false;
  const r: unknown = v.result;
  return typeof r === 'object' && r !== null && 'violations' in r && Array.isArray(r.violations) && 'warnings' in r;
}

/** What the facts stage puts at `facts.health`: the value, or {error} for an ImagegateError. */
async function healthFact(
  source: HealthSource,
  digest: string,
  repository: string,
): Promise<{ fact: unknown; ttlMs?: number }> {
  try {
    const answer = await source.lookup({ digest, repository, signal: new AbortController().signal });
    return { fact: answer.value, ...(answer.ttlMs === undefined ? {} : { ttlMs: answer.ttlMs }) };
  } catch (err) {
    if (!isImagegateError(err)) throw err;
    return { fact: { error: { code: err.code, message: err.message } } };
  }
}

function review(repository: string, digest: string, fact: unknown): unknown {
  return {
    request: { uid: '1', operation: 'CREATE' },
    images: [
      {
        container: 'app',
        image: `${repository}@${digest}`,
        digest,
        reference: { repository, digest },
        facts: { health: fact },
      },
    ],
  };
}

async function setup(
  t: Test,
  at: string,
): Promise<{ fake: FakeHealth; source: HealthSource; clock: ReturnType<typeof clockAt> }> {
  const fake = await startFakeHealth();
  fake.pyxisImages.push(fixture('pyxis-ubi9-minimal-amd64.json'));
  fake.clairReports.set(DIGESTS.app, fixture('clair-report.json'));
  const clock = clockAt(at);
  const config = healthConfig({
    sources: [
      { kind: 'pyxis', url: `${fake.url}/api/containers`, repositories: ['registry.access.redhat.com'] },
      { kind: 'clair', url: fake.url, repositories: ['quay.example.com'] },
    ],
    ttlMs: 7 * 86_400_000,
  });
  const source = createHealthSource({ config, dispatcher: fake.dispatcher, clock });
  t.teardown(async () => {
    await source.close();
    await fake.close();
  });
  return { fake, source, clock };
}

t.test('a grade-D image is denied naming the grade, the minimum, the finding and the fix', async (t) => {
  const { source } = await setup(t, '2024-12-15T00:00:00Z');
  const { fact } = await healthFact(source, DIGESTS.app, 'quay.example.com/team/app');
  const d = await decide(review('quay.example.com/team/app', DIGESTS.app, fact));
  t.same(d.violations, [
    {
      container: 'app',
      image: `quay.example.com/team/app@${DIGESTS.app}`,
      rule: 'health-grade',
      message:
        'quay.example.com/team/app has health grade D, below the minimum B: CVE-2024-6119 (important) was fixed 103 days ago and the fix is not applied',
      fix: 'rebuild the image on a newer base image, or update the package to 1:3.0.7-28.el9_4, which fixes CVE-2024-6119',
    },
  ]);
});

t.test('grade B is admitted; once the scheduled drop to C passes, the same digest is denied', async (t) => {
  const { source, clock } = await setup(t, '2025-04-15T00:00:00Z');
  const repo = 'registry.access.redhat.com/ubi9/ubi-minimal';
  const before = await healthFact(source, DIGESTS.ubiAmd64, repo);
  t.match(before.fact, { grade: 'B', nextDrop: { at: '2025-04-19T00:00:00.000Z', grade: 'C' } });
  t.same((await decide(review(repo, DIGESTS.ubiAmd64, before.fact))).violations, [], 'B is admitted');
  t.equal(before.ttlMs, 4 * 86_400_000, 'the fact may be reused only until the drop');
  clock.set('2025-04-19T00:00:00Z');
  const after = await healthFact(source, DIGESTS.ubiAmd64, repo);
  const denied = await decide(review(repo, DIGESTS.ubiAmd64, after.fact));
  t.match(denied.violations, [
    { rule: 'health-grade', message: /has health grade C, below the minimum B \(graded by pyxis\)/ },
  ]);
});

t.test('a catalog outage is a denial naming the error, never an allow (class 24)', async (t) => {
  const { fake, source } = await setup(t, '2025-04-10T00:00:00Z');
  fake.overrides.set('/api/containers/v1/images', [{ status: 503, body: '{}' }]);
  const repo = 'registry.access.redhat.com/ubi9/ubi-minimal';
  const { fact } = await healthFact(source, DIGESTS.ubiAmd64, repo);
  const d = await decide(review(repo, DIGESTS.ubiAmd64, fact));
  t.match(d.violations, [
    { rule: 'health-grade', message: /has no health grade \(minimum B\): IMAGEGATE_HEALTH_UNAVAILABLE: .*HTTP 503/ },
  ]);
  const stale = await decide(review(repo, DIGESTS.ubiAmd64, { grade: 'B', source: 'pyxis', computedAt: 'x' }));
  t.same(stale.violations, [], 'control: the same image with a grade is admitted');
});
