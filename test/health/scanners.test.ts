/**
 * Clair, Quay and the static grades file as health sources, against the fake services: grades
 * computed from realistic reports, "not scanned yet" answers, credentials sent only where
 * configured, the first covering source chosen, and the revision following trust.
 */
import t, { type Test } from 'tap';
import { createHmac } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHealthSource } from '../../src/health/index.js';
import type { HealthSource } from '../../src/health/internal.js';
import { isImagegateError } from '../../src/errors/index.js';
import { fixture, startFakeHealth, type FakeHealth } from '../fixtures/health/index.js';
import { clockAt, DIGESTS, healthConfig } from './helpers.js';

const signal = new AbortController().signal;
const PSK = Buffer.from('a shared key between Clair and imagegate');

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-health-'));
  t.teardown(async () => {
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

async function failure(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (isImagegateError(err)) return err.code;
    throw err;
  }
  return 'no failure';
}

async function setup(t: Test, at: string): Promise<{ fake: FakeHealth; source: HealthSource; dir: string }> {
  const fake = await startFakeHealth();
  const dir = await tempDir(t);
  await writeFile(join(dir, 'psk'), `${PSK.toString('base64')}\n`);
  await writeFile(join(dir, 'robot'), 'ROBOTTOKEN123\n');
  await writeFile(
    join(dir, 'grades.yaml'),
    `digests:\n  "${DIGESTS.absent}": D\nrepositories:\n  - {pattern: airgap.example.com, grade: B}\n  - {pattern: airgap.example.com/legacy, grade: E}\n`,
  );
  fake.clairReports.set(DIGESTS.app, fixture('clair-report.json'));
  fake.quaySecurity.set(`team/app@${DIGESTS.app}`, fixture('quay-security.json'));
  const config = healthConfig({
    sources: [
      {
        kind: 'clair',
        url: `${fake.url}/clair`,
        repositories: ['quay.example.com/team'],
        psk: { keyFile: join(dir, 'psk'), issuer: 'imagegate' },
      },
      {
        kind: 'quay',
        url: fake.url,
        repositories: ['quay.example.com'],
        credentials: { username: 'team+reader', passwordFile: join(dir, 'robot') },
      },
      {
        kind: 'static',
        name: 'airgap',
        file: join(dir, 'grades.yaml'),
        repositories: ['airgap.example.com', 'offline.example.com'],
      },
    ],
    ttlMs: 3_600_000,
  });
  const source = createHealthSource({ config, dispatcher: fake.dispatcher, clock: clockAt(at) });
  t.teardown(async () => {
    await source.close();
    await fake.close();
  });
  return { fake, source, dir };
}

t.test('Clair: the Important fix of 2024-09-03 is 103 days old on 2024-12-15: grade D, naming it', async (t) => {
  const { fake, source } = await setup(t, '2024-12-15T00:00:00Z');
  const answer = await source.lookup({ digest: DIGESTS.app, repository: 'quay.example.com/team/app', signal });
  t.same(answer.value, {
    grade: 'D',
    source: 'clair',
    computedAt: '2024-12-15T00:00:00.000Z',
    nextDrop: { at: '2025-09-03T00:00:00.000Z', grade: 'F' },
    finding: { id: 'CVE-2024-6119', severity: 'important', ageDays: 103, fixedIn: '1:3.0.7-28.el9_4' },
  });
  t.equal(answer.ttlMs, 3_600_000, 'the drop is months away: health.ttlMs applies');
  const seen = fake.requests[0];
  t.equal(seen?.path, `/clair/matcher/api/v1/vulnerability_report/${DIGESTS.app}`);
  const [head, claims, sig] = (seen?.authorization ?? '').replace(/^Bearer /, '').split('.');
  t.equal(
    sig,
    createHmac('sha256', PSK)
      .update(`${head ?? ''}.${claims ?? ''}`)
      .digest('base64url'),
    'an HS256 token signed with the PSK',
  );
  t.match(JSON.parse(Buffer.from(claims ?? '', 'base64url').toString('utf8')), { iss: 'imagegate' });
});

t.test('Clair: 202 (matcher initialising) and 404 (not indexed) are "not scanned yet"', async (t) => {
  const { fake, source } = await setup(t, '2024-12-15T00:00:00Z');
  t.equal(
    await failure(source.lookup({ digest: DIGESTS.absent, repository: 'quay.example.com/team/app', signal })),
    'IMAGEGATE_HEALTH_NOT_SCANNED',
  );
  fake.overrides.set(`/clair/matcher/api/v1/vulnerability_report/${DIGESTS.app}`, [{ status: 202 }]);
  t.equal(
    await failure(source.lookup({ digest: DIGESTS.app, repository: 'quay.example.com/team/app', signal })),
    'IMAGEGATE_HEALTH_NOT_SCANNED',
  );
  fake.overrides.set(`/clair/matcher/api/v1/vulnerability_report/${DIGESTS.app}`, [{ status: 500, body: 'boom' }]);
  t.equal(
    await failure(source.lookup({ digest: DIGESTS.app, repository: 'quay.example.com/team/app', signal })),
    'IMAGEGATE_HEALTH_UNAVAILABLE',
  );
});

t.test('Quay: a fixable High without a date counts as oldest: F; queued and unsupported are not grades', async (t) => {
  const { fake, source } = await setup(t, '2024-12-15T00:00:00Z');
  t.equal(
    await failure(source.lookup({ digest: DIGESTS.app, repository: 'quay.example.com/other/app', signal })),
    'IMAGEGATE_HEALTH_NOT_FOUND',
    'Quay does not know the manifest in other/app (404)',
  );
  fake.quaySecurity.set(`other/app@${DIGESTS.app}`, fixture('quay-security.json'));
  const graded = await source.lookup({ digest: DIGESTS.app, repository: 'quay.example.com/other/app', signal });
  t.same(
    graded.value,
    {
      grade: 'F',
      source: 'quay',
      computedAt: '2024-12-15T00:00:00.000Z',
      finding: { id: 'CVE-2023-0286', severity: 'important', fixedIn: '1:1.1.1k-12.el8_9' },
    },
    'the fixable Medium curl finding does not count',
  );
  const last = fake.requests.at(-1);
  t.equal(last?.path, `/api/v1/repository/other/app/manifest/${DIGESTS.app}/security?vulnerabilities=true`);
  t.equal(
    last?.authorization,
    `Basic ${Buffer.from('team+reader:ROBOTTOKEN123').toString('base64')}`,
    'the robot account, password file newline trimmed',
  );
  fake.quaySecurity.set(`other/app@${DIGESTS.app}`, { status: 'queued', data: null });
  t.equal(
    await failure(source.lookup({ digest: DIGESTS.app, repository: 'quay.example.com/other/app', signal })),
    'IMAGEGATE_HEALTH_NOT_SCANNED',
  );
  fake.quaySecurity.set(`other/app@${DIGESTS.app}`, { status: 'unsupported', data: null });
  t.equal(
    await failure(source.lookup({ digest: DIGESTS.app, repository: 'quay.example.com/other/app', signal })),
    'IMAGEGATE_HEALTH_UNKNOWN',
  );
  const sent = fake.requests.length;
  t.equal(
    await failure(
      source.lookup({ digest: DIGESTS.app, repository: 'quay.example.com/other/../../../superuser', signal }),
    ),
    'IMAGEGATE_HEALTH_PROTOCOL',
    'a name with dot segments cannot climb out of the security API',
  );
  t.equal(fake.requests.length, sent, 'and nothing was sent');
  t.notOk(
    fake.requests.some((r) => r.path.includes('/clair/') && r.authorization?.startsWith('Basic ') === true),
    'the robot credentials never went to the Clair source',
  );
});

t.test('the static file: digest first, then the longest pattern; unlisted is not found', async (t) => {
  const { fake, source } = await setup(t, '2024-12-15T00:00:00Z');
  const grade = async (digest: string, repository: string): Promise<unknown> =>
    (await source.lookup({ digest, repository, signal })).value;
  t.match(
    await grade(DIGESTS.absent, 'airgap.example.com/legacy/app'),
    { grade: 'D', source: 'airgap' },
    'the digest entry wins',
  );
  t.match(await grade(DIGESTS.app, 'airgap.example.com/legacy/app'), { grade: 'E' }, 'the longer pattern wins');
  t.match(await grade(DIGESTS.app, 'airgap.example.com/web'), { grade: 'B' });
  t.equal(
    await failure(source.lookup({ digest: DIGESTS.app, repository: 'offline.example.com/app', signal })),
    'IMAGEGATE_HEALTH_NOT_FOUND',
  );
  t.same(fake.requests, [], 'a static source makes no request');
});

t.test('the revision changes with the grades file, the credentials and the bands, not with time', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'grades.yaml');
  await writeFile(file, 'repositories: [{pattern: "*", grade: B}]\n');
  const make = (extra: Readonly<Record<string, unknown>> = {}): HealthSource =>
    createHealthSource({
      config: healthConfig({ sources: [{ kind: 'static', file, repositories: ['*'] }], ...extra }),
    });
  const first = make().revision;
  t.equal(make().revision, first, 'same configuration, same revision');
  t.not(make({ bands: { important: { B: 10, C: 20, D: 30 } } }).revision, first, 'bands');
  await writeFile(file, 'repositories: [{pattern: "*", grade: C}]\n');
  t.not(make().revision, first, 'the file content');
});
