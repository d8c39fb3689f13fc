/**
 * The Red Hat catalog source against a fake Pyxis serving realistic image documents: the grade
 * in effect now (never the first entry), the worst architecture, pagination, next drops, and
 * every failure becoming an IMAGEGATE_HEALTH_* error (class 24: never a grade, never an allow).
 */
import t, { type Test } from 'tap';
import { createHealthSource } from '../../src/health/index.js';
import type { HealthSource } from '../../src/health/internal.js';
import { isImagegateError } from '../../src/errors/index.js';
import { fixture, startFakeHealth, type FakeHealth } from '../fixtures/health/index.js';
import { clockAt, DIGESTS, healthConfig } from './helpers.js';

const REPO = 'registry.access.redhat.com/ubi9/ubi-minimal';

async function setup(
  t: Test,
  opts: { readonly at: string; readonly health?: Readonly<Record<string, unknown>> },
): Promise<{ fake: FakeHealth; source: HealthSource; clock: ReturnType<typeof clockAt> }> {
  const fake = await startFakeHealth();
  fake.pyxisImages.push(
    fixture('pyxis-ubi9-minimal-amd64.json'),
    fixture('pyxis-ubi9-minimal-arm64.json'),
    fixture('pyxis-widget-ungraded.json'),
  );
  const clock = clockAt(opts.at);
  const config = healthConfig({
    sources: [
      {
        kind: 'pyxis',
        url: `${fake.url}/api/containers`,
        repositories: ['registry.access.redhat.com', 'registry.connect.redhat.com'],
      },
    ],
    ttlMs: 7 * 86_400_000,
    timeoutMs: 1_000,
    ...opts.health,
  });
  const source = createHealthSource({ config, dispatcher: fake.dispatcher, clock });
  t.teardown(async () => {
    await source.close();
    await fake.close();
  });
  return { fake, source, clock };
}

function signal(): AbortSignal {
  return new AbortController().signal;
}

async function failure(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (err) {
    if (isImagegateError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('the lookup did not fail');
}

t.test('a multi-arch image: worst architecture, newest schedule entry, every page read', async (t) => {
  const { fake, source } = await setup(t, { at: '2025-04-15T00:00:00Z' });
  const answer = await source.lookup({ digest: DIGESTS.ubiIndex, repository: REPO, signal: signal() });
  t.same(
    answer.value,
    {
      grade: 'C',
      source: 'pyxis',
      computedAt: '2025-04-15T00:00:00.000Z',
      nextDrop: { at: '2025-06-08T00:00:00.000Z', grade: 'D' },
    },
    'amd64 is B, arm64 C (its recomputed schedule, not the stale A entry listed first)',
  );
  t.equal(answer.ttlMs, 4 * 86_400_000, 'reused until the next schedule change (amd64 B→C on 2025-04-19)');
  const pages = fake.requests.map((r) => new URL(r.path, fake.url));
  t.same(
    pages.map((u) => [u.pathname, u.searchParams.get('page')]),
    [
      ['/api/containers/v1/images', '0'],
      ['/api/containers/v1/images', '1'],
    ],
    'the fake serves one document per page: both pages are read',
  );
});

t.test("the reference schedule's grades by date, by per-arch digest", async (t) => {
  const { source, clock } = await setup(t, { at: '2025-05-01T00:00:00Z' });
  const expected: readonly [string, string][] = [
    ['2025-05-01T00:00:00Z', 'C'],
    ['2025-03-19T00:00:00Z', 'A'],
    ['2025-08-01T00:00:00Z', 'D'],
    ['2026-04-01T00:00:00Z', 'F'],
    ['2025-04-18T23:59:59.999Z', 'B'],
    ['2025-04-19T00:00:00Z', 'C'],
  ];
  for (const [at, grade] of expected) {
    clock.set(at);
    const answer = await source.lookup({ digest: DIGESTS.ubiAmd64, repository: REPO, signal: signal() });
    t.match(answer.value, { grade }, `${at} → ${grade}`);
  }
  clock.set('2026-04-01T00:00:00Z');
  const f = await source.lookup({ digest: DIGESTS.ubiAmd64, repository: REPO, signal: signal() });
  t.equal(f.ttlMs, 7 * 86_400_000, 'F has no end: reused for health.ttlMs');
  t.notMatch(f.value, { nextDrop: {} }, 'F has no next drop');
});

t.test('a schedule with no entry covering now is unknown, not its first or nearest grade', async (t) => {
  const { source } = await setup(t, { at: '2025-03-01T00:00:00Z' });
  t.match(await failure(source.lookup({ digest: DIGESTS.ubiAmd64, repository: REPO, signal: signal() })), {
    code: 'IMAGEGATE_HEALTH_UNKNOWN',
  });
});

t.test('ungraded, unknown and malformed catalog answers are errors, never grades', async (t) => {
  const { fake, source } = await setup(t, { at: '2025-04-15T00:00:00Z' });
  t.match(
    await failure(
      source.lookup({
        digest: DIGESTS.widget,
        repository: 'registry.connect.redhat.com/acme/widget-operator',
        signal: signal(),
      }),
    ),
    {
      code: 'IMAGEGATE_HEALTH_UNKNOWN',
      message: /no grade in effect now/,
    },
  );
  t.match(await failure(source.lookup({ digest: DIGESTS.absent, repository: REPO, signal: signal() })), {
    code: 'IMAGEGATE_HEALTH_NOT_FOUND',
    message: /no image with digest sha256:0{64}/,
  });
  const broken = Object.assign({}, fixture('pyxis-ubi9-minimal-amd64.json'), {
    freshness_grades: [
      { grade: 'Z', start_date: '2025-03-20T00:00:00+00:00', creation_date: '2025-03-20T02:14:09+00:00' },
    ],
  });
  fake.pyxisImages.splice(0, fake.pyxisImages.length, broken);
  t.match(await failure(source.lookup({ digest: DIGESTS.ubiAmd64, repository: REPO, signal: signal() })), {
    code: 'IMAGEGATE_HEALTH_PROTOCOL',
  });
});

t.test('429, 5xx, a hang, a huge body and a redirect each end as their error', async (t) => {
  const { fake, source } = await setup(t, { at: '2025-04-15T00:00:00Z', health: { maxResponseBytes: 4_096 } });
  const other = await startFakeHealth();
  t.teardown(() => other.close());
  const path = '/api/containers/v1/images';
  const cases: readonly [string, Parameters<FakeHealth['overrides']['set']>[1], string][] = [
    [
      '429',
      [{ status: 429, headers: { 'retry-after': '30' }, body: '{"status":429}' }],
      'IMAGEGATE_HEALTH_RATE_LIMITED',
    ],
    ['503', [{ status: 503, body: '{"detail":"Service Unavailable"}' }], 'IMAGEGATE_HEALTH_UNAVAILABLE'],
    ['a hang', [{ hang: true }], 'IMAGEGATE_HEALTH_TIMEOUT'],
    [
      'a huge body',
      [{ status: 200, body: JSON.stringify({ data: [], total: 0, pad: 'x'.repeat(10_000) }) }],
      'IMAGEGATE_HEALTH_PROTOCOL',
    ],
    ['a redirect', [{ redirectTo: `${other.url}${path}` }], 'IMAGEGATE_HEALTH_PROTOCOL'],
    ['not JSON', [{ status: 200, body: '<html>maintenance</html>' }], 'IMAGEGATE_HEALTH_PROTOCOL'],
  ];
  for (const [what, override, code] of cases) {
    fake.overrides.set(path, [...override]);
    const started = performance.now();
    const got = await failure(source.lookup({ digest: DIGESTS.ubiIndex, repository: REPO, signal: signal() }));
    t.equal(got.code, code, `${what} → ${code}: ${got.message}`);
    t.ok(performance.now() - started < 5_000, `${what}: ended within health.timeoutMs (1 s) plus slack`);
  }
  t.same(other.requests, [], 'the redirect target, a host nobody configured, was never contacted');
});

t.test(
  "the review's deadline ends a lookup; a digest that could reshape the filter is refused before any I/O",
  async (t) => {
    const { fake, source } = await setup(t, { at: '2025-04-15T00:00:00Z', health: { timeoutMs: 60_000 } });
    fake.overrides.set('/api/containers/v1/images', [{ hang: true }]);
    const review = new AbortController();
    setTimeout(() => review.abort(new Error('review deadline')), 100);
    t.match(await failure(source.lookup({ digest: DIGESTS.ubiIndex, repository: REPO, signal: review.signal })), {
      code: 'IMAGEGATE_HEALTH_TIMEOUT',
      message: /the review deadline/,
    });
    const before = fake.requests.length;
    const hostile = `${DIGESTS.ubiIndex},repositories.published==true`;
    t.match(await failure(source.lookup({ digest: hostile, repository: REPO, signal: signal() })), {
      code: 'IMAGEGATE_DIGEST_INVALID',
    });
    t.equal(fake.requests.length, before, 'nothing was sent');
  },
);

t.test('an image no source covers is an error, and no source is asked', async (t) => {
  const { fake, source } = await setup(t, { at: '2025-04-15T00:00:00Z' });
  t.match(
    await failure(
      source.lookup({
        digest: DIGESTS.ubiIndex,
        repository: 'registry.access.redhat.com.evil.io/ubi9/ubi-minimal',
        signal: signal(),
      }),
    ),
    {
      code: 'IMAGEGATE_HEALTH_NO_SOURCE',
    },
  );
  t.same(fake.requests, []);
});
