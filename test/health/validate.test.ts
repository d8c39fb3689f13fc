/**
 * Health grades through /validate (issue 13's Must-show): the real HTTPS webhook, the facts stage
 * with the real health source asking the fake Red Hat catalog and Clair, the shipped policies
 * (the prebuilt bundle, or compiled as `imagegate serve` would) on the evaluator pool with its
 * verdict cache. A grade-D image is denied naming grade, minimum, finding and fix; grade B is
 * admitted, and served from the verdict cache until its scheduled drop, after which the same
 * digest is evaluated again and denied as C.
 */
import t from 'tap';
import { createRegistryPinner } from '../../src/registry/index.js';
import { createFactGatherer } from '../../src/facts/internal.js';
import { loadDecider } from '../../src/policy/index.js';
import { validateConfig } from '../../src/config/internal.js';
import { createHealthSource } from '../../src/health/index.js';
import { fixture, startFakeHealth } from '../fixtures/health/index.js';
import { reviewResponse, startTestServer } from '../fixtures/server.js';
import { podCase, review } from '../fixtures/reviews.js';
import { manualClock, registriesConfig } from '../registry/helpers.js';
import { clockAt, DIGESTS, healthConfig } from './helpers.js';

const DAY = 86_400_000;
const UBI = 'registry.access.redhat.com/ubi9/ubi-minimal';
const APP = 'quay.example.com/team/app';

const fake = await startFakeHealth();
t.teardown(() => fake.close());
fake.pyxisImages.push(fixture('pyxis-ubi9-minimal-amd64.json'));
fake.clairReports.set(DIGESTS.app, fixture('clair-report.json'));

/** Wall clock for grades (dates), monotonic clock for caches: moved together. */
const wall = clockAt('2025-04-15T00:00:00Z');
const mono = manualClock();
const advance = (ms: number): void => {
  wall.set(new Date(wall.now() + ms).toISOString());
  mono.advance(ms);
};

const health = createHealthSource({
  config: healthConfig({
    sources: [
      { kind: 'pyxis', url: `${fake.url}/api/containers`, repositories: ['registry.access.redhat.com'] },
      { kind: 'clair', url: fake.url, repositories: ['quay.example.com'] },
    ],
    ttlMs: 7 * DAY,
  }),
  dispatcher: fake.dispatcher,
  clock: wall,
});
t.teardown(() => health.close());
// No registries.hosts: every image here carries its digest, which is never resolved.
const pinner = createRegistryPinner({ registries: registriesConfig({ hosts: [] }), clock: mono });
t.teardown(() => pinner.close());
const gatherer = createFactGatherer({ registry: pinner, sources: [health] });
const { policy } = validateConfig({
  value: {
    policy: {
      evaluators: 1,
      data: {
        imagegate: {
          config: { trusted_registries: ['quay.example.com', 'registry.access.redhat.com'], health: { enabled: true } },
        },
      },
    },
  },
  source: 'test',
});
const decider = await loadDecider({ policy, clock: mono });
t.teardown(() => decider.close());
const server = await startTestServer({ decider, pinner, gatherer });
t.teardown(() => server.close());

async function validate(image: string): Promise<{ allowed: boolean; message: string }> {
  const pod = podCase.wrap({ containers: [{ name: 'app', image }] });
  const r = reviewResponse((await server.post('/validate', review(podCase, { object: pod }))).json);
  const status = r.status;
  const message = typeof status === 'object' && status !== null && 'message' in status ? String(status.message) : '';
  return { allowed: r.allowed === true, message };
}

t.test('a grade-D image is denied naming the grade, the minimum, the finding and the fix', async (t) => {
  const d = await validate(`${APP}@${DIGESTS.app}`);
  t.equal(d.allowed, false);
  t.match(d.message, 'container "app"');
  t.match(d.message, 'health grade D, below the minimum B');
  t.match(d.message, 'CVE-2024-6119 (important) was fixed');
  t.match(d.message, 'update the package to 1:3.0.7-28.el9_4');
});

t.test('grade B is admitted and its verdict reused until the drop; then re-evaluated and denied as C', async (t) => {
  // 30 s before the catalog's scheduled drop from B to C (2025-04-19T00:00:00Z).
  wall.set('2025-04-18T23:59:30Z');
  const image = `${UBI}@${DIGESTS.ubiAmd64}`;
  t.same(await validate(image), { allowed: true, message: '' }, 'grade B is admitted');
  const evaluated = decider.status().evaluations;
  const asked = fake.requests.length;
  advance(20_000);
  t.same(await validate(image), { allowed: true, message: '' }, 'still B 10 s before the drop');
  t.equal(decider.status().evaluations, evaluated, 'served from the verdict cache: no evaluation');
  t.equal(fake.requests.length, asked, 'nor a catalog lookup');
  advance(10_000);
  const after = await validate(image);
  t.equal(after.allowed, false, 'at the scheduled drop the cached B is not served');
  t.match(after.message, 'health grade C, below the minimum B');
  t.equal(decider.status().evaluations, evaluated + 1, 'the policy decided again, on the new grade');
  t.ok(fake.requests.length > asked, 'the grade was looked up again');
});
