import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { Agent, request } from 'undici';
import { stringify as yaml } from 'yaml';
import { buildBundle } from '../../src/policy/index.js';
import { ensureDevCertificates } from '../../src/certs/index.js';
import { applicable, policyContentHash, startServing } from '../../src/cli/internal.js';
import { parseConfig } from '../../src/config/index.js';
import { memoryLog, reviewResponse } from '../fixtures/server.js';
import { podCase, review } from '../fixtures/reviews.js';
import { kubeletVolume } from '../fixtures/volume.js';

/** Denies images whose string starts with data.imagegate.config.prefix, naming data.imagegate.config.rule. */
const POLICY = `package imagegate

decision := {"violations": violations, "warnings": []}

violations := [v |
	some img in input.images
	startswith(img.image, data.imagegate.config.prefix)
	v := {"container": img.container, "image": img.image, "rule": data.imagegate.config.rule, "message": "refused", "fix": ""}
]
`;

function bundle(rule: string, revision: string): Promise<Uint8Array> {
  return buildBundle({
    sources: [{ file: 'p.rego', text: POLICY }],
    data: { imagegate: { config: { prefix: 'bad/', rule } } },
    revision,
  });
}

function podReview(image: string, uid: string): Record<string, unknown> {
  const object = podCase.wrap({ containers: [{ name: 'app', image }] });
  return review(podCase, { uid, object });
}

interface Outcome {
  readonly startedAt: number;
  readonly image: string;
  readonly ok: boolean;
  readonly allowed: boolean;
  readonly message: string;
}

t.test(
  'config, policy bundle and certificate replaced on disk under load: no review fails, the new ones decide from then on, a broken bundle is refused',
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'imagegate-reload-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const certsA = await ensureDevCertificates({ dir: join(dir, 'certs-a') });
    const certsB = await ensureDevCertificates({ dir: join(dir, 'certs-b') });
    const pem = (p: string) => readFile(p, 'utf8');
    const tls = await kubeletVolume(join(dir, 'tls'), {
      'tls.crt': await pem(certsA.certPath),
      'tls.key': await pem(certsA.keyPath),
    });
    const policy = await kubeletVolume(join(dir, 'policy'), { 'bundle.tar.gz': await bundle('rule-a', 'rev-a') });
    const baseConfig = {
      server: {
        host: '127.0.0.1',
        port: 0,
        drainMs: 0,
        tls: { certFile: tls.path('tls.crt'), keyFile: tls.path('tls.key'), reloadIntervalMs: 50 },
      },
      reload: { intervalMs: 100 },
      policy: { bundle: policy.path('bundle.tar.gz'), evaluators: 2 },
    };
    const configVolume = await kubeletVolume(join(dir, 'config'), { 'imagegate.yaml': yaml(baseConfig) });
    const { lines, logger } = memoryLog();
    const serving = await startServing({ configFile: configVolume.path('imagegate.yaml'), logger });
    t.teardown(() => serving.shutdown({ now: true }));
    const ca = [await pem(certsA.caPath), await pem(certsB.caPath)];
    const agent = new Agent({ connect: { ca, servername: 'localhost' }, connections: 8 });
    t.teardown(() => agent.close());
    const url = `https://127.0.0.1:${serving.running.port}`;

    const readyz = async (): Promise<Record<string, unknown>> => {
      const res = await request(`${url}/readyz`, { dispatcher: agent });
      const body: unknown = await res.body.json();
      if (typeof body !== 'object' || body === null) throw new Error('readyz body is not an object');
      return { httpStatus: res.statusCode, ...body };
    };
    /** The sha256 fingerprint of the certificate a new TLS connection is served. */
    const servedFingerprint = (): Promise<string> =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: serving.running.port, ca, servername: 'localhost' }, () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        });
        socket.on('error', reject);
      });
    const before = await readyz();
    t.match(before, { httpStatus: 200, status: 'ready', revision: 'rev-a', configHash: /^sha256:[0-9a-f]{64}$/ });

    // The load: 6 clients, each posting reviews of alternating images back to back until stopped.
    const outcomes: Outcome[] = [];
    let loading = true;
    let uid = 0;
    const images = ['bad/app:1', 'worse/app:1'];
    const client = async (): Promise<void> => {
      while (loading) {
        const image = images[uid % 2] ?? 'bad/app:1';
        const startedAt = performance.now();
        const res = await request(`${url}/validate`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(podReview(image, `uid-${uid++}`)),
        });
        const text = await res.body.text();
        const response = res.statusCode === 200 ? reviewResponse(JSON.parse(text)) : {};
        const status = response.status;
        const message =
          typeof status === 'object' && status !== null && 'message' in status && typeof status.message === 'string'
            ? status.message
            : text;
        const code = typeof status === 'object' && status !== null && 'code' in status ? status.code : undefined;
        outcomes.push({
          startedAt,
          image,
          ok: res.statusCode === 200 && code !== 500,
          allowed: response.allowed === true,
          message,
        });
      }
    };
    const clients = Array.from({ length: 6 }, () => client());

    /** Polls /readyz until `want` holds; returns the time it first held. */
    const until = async (what: string, want: (r: Record<string, unknown>) => boolean): Promise<number> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (want(await readyz())) return performance.now();
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const decidedAfter = (since: number) => outcomes.filter((o) => o.startedAt > since);
    const waitForReviews = async (since: number): Promise<void> => {
      while (decidedAfter(since).length < 20) await new Promise((r) => setTimeout(r, 20));
    };

    await waitForReviews(0);
    // 1. The config: policy.data moves the prefix (a decision change), server.port a restart-only key.
    const configHash0 = before.configHash;
    await configVolume.publish({
      'imagegate.yaml': yaml({
        ...baseConfig,
        server: { ...baseConfig.server, port: 1 },
        policy: { ...baseConfig.policy, data: { imagegate: { config: { prefix: 'worse/' } } } },
      }),
    });
    const configAt = await until('the new config', (r) => r.configHash !== configHash0);
    await waitForReviews(configAt);
    // 2. The bundle.
    const bundlePublishedAt = performance.now();
    await policy.publish({ 'bundle.tar.gz': await bundle('rule-b', 'rev-b') });
    const bundleAt = await until('revision rev-b', (r) => r.revision === 'rev-b');
    await waitForReviews(bundleAt);
    // 3. The certificate: a pair from another CA.
    // Both dev certificates may share their notAfter (made within one second): wait for B's fingerprint.
    const fingerprintB = new X509Certificate(await pem(certsB.certPath)).fingerprint256;
    await tls.publish({ 'tls.crt': await pem(certsB.certPath), 'tls.key': await pem(certsB.keyPath) });
    for (const deadline = Date.now() + 60_000; (await servedFingerprint()) !== fingerprintB;) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the new certificate');
      await new Promise((r) => setTimeout(r, 50));
    }
    // 4. A broken bundle: refused, and rev-b keeps deciding.
    await policy.publish({ 'bundle.tar.gz': 'this is not a gzipped tar' });
    const rejectedLine = async (): Promise<Record<string, unknown>> => {
      for (;;) {
        const line = lines
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l.event === 'reload.rejected');
        if (line !== undefined) return line;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const rejected = await rejectedLine();
    const brokenAt = performance.now();
    await waitForReviews(brokenAt);
    loading = false;
    await Promise.all(clients);

    t.same(
      outcomes.filter((o) => !o.ok),
      [],
      `none of ${outcomes.length} reviews failed across three swaps and a refused bundle`,
    );
    const denied = (o: Outcome, rule: string) => !o.allowed && o.message.includes(rule);
    const phase = (from: number, to: number) => outcomes.filter((o) => o.startedAt > from && o.startedAt < to);
    t.ok(
      phase(0, configAt - 1_000).every((o) => (o.image === 'bad/app:1' ? denied(o, 'rule-a') : o.allowed)),
      'bundle A with its own data at first',
    );
    t.ok(
      phase(configAt, bundlePublishedAt).every((o) => (o.image === 'worse/app:1' ? denied(o, 'rule-a') : o.allowed)),
      'after the config reload, policy.data decides: worse/ denied, bad/ admitted',
    );
    t.ok(
      decidedAfter(bundleAt).every((o) => (o.image === 'worse/app:1' ? denied(o, 'rule-b') : o.allowed)),
      'after the bundle reload every review is decided by bundle B, the refused bundle changing nothing',
    );
    t.match(rejected, {
      event: 'reload.rejected',
      source: 'policy',
      code: /^IMAGEGATE_BUNDLE_/,
      file: policy.path('bundle.tar.gz'),
      revision: 'rev-b',
    });
    t.equal(lines.filter((l) => l.includes('"reload.rejected"')).length, 1, 'the broken bundle is reported once');
    t.match(await readyz(), { httpStatus: 200, revision: 'rev-b' }, '/readyz still names rev-b');
    t.ok(
      lines.some((l) => l.includes('"reload.restart_needed"') && l.includes('/server/port')),
      'server.port is reported as needing a restart',
    );

    // New connections get certificate B.
    const peer = await servedFingerprint();
    t.equal(peer, fingerprintB, 'new connections get the new certificate');

    const metrics = await (await request(`${url}/metrics`, { dispatcher: agent })).body.text();
    t.match(metrics, /imagegate_policy_revision_info\{revision="rev-b"\} 1/);
    t.notMatch(metrics, /imagegate_policy_revision_info\{revision="rev-a"\}/, 'only the live revision is exported');
    t.match(metrics, /imagegate_reloads_total\{source="config",result="applied"\} 1/);
    t.match(metrics, /imagegate_reloads_total\{source="policy",result="applied"\} 1/);
    t.match(metrics, /imagegate_reloads_total\{source="policy",result="rejected"\} 1/);
    // The reviews repeat two images under new uids: the verdict cache answered most of them, and
    // the decisions above changed at each swap all the same, so no old verdict outlived its policy.
    t.match(metrics, /imagegate_verdict_cache_lookups_total\{result="hit"\} [1-9]\d*/, 'the verdict cache was in use');
  },
);

t.test('restart-only keys keep their running values with one "restart needed" line; the rest applies', async (t) => {
  const { lines, logger } = memoryLog();
  const live = parseConfig({ text: 'server: {port: 8443}\n', source: 'old' });
  const next = parseConfig({
    text: 'server: {port: 9443, tls: {handshakeTimeoutMs: 100}}\nadmission: {failurePolicy: Ignore, maxImages: 5}\n',
    source: 'new',
  });
  const applied = applicable({ next, live, logger });
  t.same([applied.server, applied.admission.maxImages], [live.server, live.admission.maxImages]);
  t.equal(applied.admission.failurePolicy, 'Ignore', 'a live key is applied');
  t.equal(lines.length, 1);
  t.match(lines[0], /restart needed.*\/server\/port.*\/server\/tls\/handshakeTimeoutMs.*\/admission\/maxImages/);
  t.same(applicable({ next: live, live, logger }), live, 'nothing restart-only changed: the new config as it is');
});

t.test(
  'the policy directory hash follows content through kubelet symlink swaps and ignores its ..entries',
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'imagegate-hash-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const volume = await kubeletVolume(join(dir, 'p'), { 'a.rego': 'package a\n' });
    const policy = parseConfig({ text: `policy: {dir: ${JSON.stringify(join(dir, 'p'))}}\n`, source: 'x' }).policy;
    const first = await policyContentHash(policy);
    await volume.publish({ 'a.rego': 'package a\n' });
    t.equal(await policyContentHash(policy), first, 'same content in a new ..data directory: same hash');
    await volume.publish({ 'a.rego': 'package a\n\nx := 1\n' });
    t.not(await policyContentHash(policy), first, 'changed content: new hash');
    t.equal(
      await policyContentHash(parseConfig({ text: '', source: 'x' }).policy),
      '',
      'shipped policies: not watched',
    );
  },
);
