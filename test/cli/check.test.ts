/**
 * Must-show of issue 14 item 5: `imagegate check` on a directory of real-world manifests
 * (test/fixtures/manifests, ≥ 30 objects of every reviewed kind, with non-workload kinds mixed
 * in) gives, for every object, the verdict, message and warnings the webhook's /validate gives
 * for the same object: the app built from the same config by the same serve-parts, with the real
 * test registry resolving the `team/*` images and a Rego policy (compiled by imagegate) that
 * judges digests. Then `--record` / `--facts` replays those facts offline with the same result,
 * and `--offline` alone leaves every tag unresolved.
 */
import t from 'tap';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/index.js';
import { createMetrics, createSwappable } from '../../src/server/index.js';
import { buildApp } from '../../src/server/internal.js';
import { buildServeParts } from '../../src/cli/serve-parts.js';
import { isRecord } from '../../src/guards/index.js';
import fastJsonPatch from 'fast-json-patch';
import { buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { memoryLog } from '../fixtures/server.js';
import {
  check,
  createReview,
  fixtureObjects,
  isWorkload,
  MANIFESTS,
  report,
  type ReportedObject,
} from './check-fixture.js';

const reg = await startRegistry();
let registryUp = true;
t.teardown(() => (registryUp ? reg.close() : undefined));

const revoked = buildImage({ content: 'checkout 3.0, revoked' });
const pushed = ['migrate:1.4.2', 'web:1.4.2', 'sidecar:0.9', 'api:2.1.0', 'csi-driver:1.0.0', 'worker:2.0'];
pushed.push('batch:3.1', 'runner:5.2', 'ingest:4.0.1', 'web:latest');
for (const name of pushed) {
  const [repo = '', tag = ''] = name.split(':');
  await reg.push(`team/${repo}`, tag, buildImage({ content: `team/${name}` }));
}
await reg.push('team/revoked', '3.0', revoked);

const POLICY = `package imagegate

import rego.v1

decision := {"violations": violations, "warnings": warnings}

trusted(repository) if startswith(repository, concat("", [data.trusted, "/"]))

violations contains v if {
	some img in input.images
	not trusted(img.reference.repository)
	v := {"container": img.container, "image": img.image, "rule": "trusted-registries", "message": sprintf("%s is not in a trusted registry", [img.reference.repository]), "fix": sprintf("use an image under %s", [data.trusted])}
}

violations contains v if {
	some img in input.images
	trusted(img.reference.repository)
	not img.digest
	v := {"container": img.container, "image": img.image, "rule": "digest-judged", "message": sprintf("no digest to judge (%s: %s)", [img.digestError.code, img.digestError.message]), "fix": "push the image"}
}

violations contains v if {
	some img in input.images
	img.digest in data.revoked
	v := {"container": img.container, "image": img.image, "rule": "revoked", "message": sprintf("%s is revoked", [img.digest]), "fix": "deploy another build"}
}

warnings contains sprintf("%s judged %s", [img.image, img.digest]) if {
	some img in input.images
	img.digest
}
`;

const dir = await mkdtemp(join(tmpdir(), 'imagegate-check-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const manifests = join(dir, 'manifests');
await cp(MANIFESTS, manifests, { recursive: true });
// The fixtures name the test registry localhost:5000; it listens on 127.0.0.1:PORT.
for (const e of await readdir(manifests, { withFileTypes: true, recursive: true })) {
  if (!e.isFile()) continue;
  const path = join(e.parentPath, e.name);
  await writeFile(path, (await readFile(path, 'utf8')).replaceAll('localhost:5000', reg.host));
}
await writeFile(join(dir, 'decision.rego'), POLICY);
// A copy: the registry's own goes when it closes, and the replay runs without it.
const caFile = join(dir, 'registry-ca.crt');
await cp(reg.caFile, caFile);
const configFile = join(dir, 'imagegate.yaml');
await writeFile(
  configFile,
  JSON.stringify({
    registries: {
      hosts: [{ host: reg.host, caFile, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } }],
    },
    policy: {
      bundle: await policyBundle(),
      evaluators: 1,
      data: { trusted: reg.host, revoked: [revoked.manifest.digest] },
    },
  }),
);

/** The policy as a bundle file built by `imagegate policy build`, as a platform team ships it. */
async function policyBundle(): Promise<string> {
  const out = join(dir, 'bundle.tar.gz');
  const r: string[] = [];
  const { runCli } = await import('../../src/cli/index.js');
  const code = await runCli(['policy', 'build', '-o', out, join(dir, 'decision.rego')], {
    stdout: (l) => r.push(l),
    stderr: (l) => r.push(l),
  });
  if (code !== 0) throw new Error(`policy build failed: ${r.join('\n')}`);
  return out;
}

const objects = await fixtureObjects(manifests);
const workloads = objects.filter((o) => isWorkload(o.object));

interface Answer {
  readonly allowed: boolean;
  readonly message?: string;
  readonly warnings: string[];
}

/** `response` of an AdmissionReview answer. */
function responseOf(body: unknown): Readonly<Record<string, unknown>> {
  return isRecord(body) && isRecord(body.response) ? body.response : {};
}

function warningsOf(response: Readonly<Record<string, unknown>>): string[] {
  return Array.isArray(response.warnings) ? response.warnings.map(String) : [];
}

/**
 * What the API server makes of every workload object with both webhooks of the app built as
 * `imagegate serve` builds it: /mutate, its JSONPatch applied (fast-json-patch, as a client
 * would), then /validate of the patched object; kubectl shows the warnings of both.
 */
async function webhookAnswers(): Promise<Map<string, Answer>> {
  const config = await loadConfigFile(configFile);
  const { logger } = memoryLog();
  const metrics = createMetrics();
  const parts = await buildServeParts({ config, configHash: 'test', policyHash: '', logger, metrics });
  const app = buildApp({ config, logger, decider: parts.deps.decider, metrics, live: createSwappable(parts.deps) });
  const answers = new Map<string, Answer>();
  try {
    for (const [i, o] of workloads.entries()) {
      const mutated = responseOf(
        (await app.inject({ method: 'POST', url: '/mutate', payload: createReview(o.object, `m-${i}`) })).json(),
      );
      const ops: unknown =
        typeof mutated.patch === 'string' ? JSON.parse(Buffer.from(mutated.patch, 'base64').toString()) : [];
      const object = Array.isArray(ops)
        ? fastJsonPatch.applyPatch(structuredClone(o.object), ops, true, false).newDocument
        : o.object;
      const res = await app.inject({ method: 'POST', url: '/validate', payload: createReview(object, `v-${i}`) });
      const response = responseOf(res.json());
      const status = isRecord(response.status) ? response.status : {};
      answers.set(`${o.file}:${o.document}`, {
        allowed: response.allowed === true,
        ...(typeof status.message === 'string' ? { message: status.message } : {}),
        warnings: [...warningsOf(mutated), ...warningsOf(response)],
      });
    }
  } finally {
    await app.close();
    await Promise.all([parts.decider.close(), parts.pinner.close()]);
  }
  return answers;
}

function key(o: ReportedObject): string {
  return `${o.file.slice(manifests.length + 1)}:${o.document}`;
}

/** What a verdict comparison looks at: allowed or not, the message, the warnings. */
function verdicts(r: readonly ReportedObject[]) {
  return r.map((o) => ({ key: key(o), verdict: o.verdict, message: o.message, warnings: o.warnings }));
}

const facts = join(dir, 'facts.json');
const live = await check(['-f', manifests, '--config', configFile, '-o', 'json', '--record', facts]);
const reported = report(live);

t.test('the fixtures are at least 30 workloads of every reviewed kind, with other kinds mixed in', async (t) => {
  t.ok(workloads.length >= 30, `${workloads.length} workload objects`);
  const kinds = new Set(workloads.map((o) => o.object.kind));
  t.same([...kinds].sort(), [
    'CronJob',
    'DaemonSet',
    'Deployment',
    'Job',
    'Pod',
    'PodTemplate',
    'ReplicaSet',
    'ReplicationController',
    'StatefulSet',
  ]);
  t.ok(objects.length - workloads.length >= 8, 'Services, ConfigMaps, Secrets, … as well');
  t.equal(reported.filter((o) => o.verdict !== 'skipped').length, workloads.length, 'check reviews exactly these');
  t.equal(reported.filter((o) => o.verdict === 'skipped').length, objects.length - workloads.length);
});

t.test('check gives every object the verdict, message and warnings of the webhook', async (t) => {
  t.equal(live.code, 1, live.err);
  const answers = await webhookAnswers();
  let compared = 0;
  for (const o of reported.filter((r) => r.verdict !== 'skipped')) {
    const answer = answers.get(key(o));
    t.ok(answer, `the webhook was sent ${key(o)}`);
    if (answer === undefined) continue;
    t.same(
      { verdict: o.verdict, message: o.message, warnings: o.warnings },
      { verdict: answer.allowed ? 'allowed' : 'denied', message: answer.message, warnings: answer.warnings },
      key(o),
    );
    compared += 1;
  }
  t.equal(compared, workloads.length);
  const by = (k: string) => reported.find((o) => key(o) === k);
  // Both verdicts occur, and the facts mattered: a digest from the registry, a 404, a revoked digest.
  t.equal(by('apps/web-deployment.yaml:1')?.verdict, 'allowed');
  t.match(by('apps/web-deployment.yaml:1')?.pinned, [
    { path: '/spec/template/spec/initContainers/0/image', image: /\/team\/migrate:1\.4\.2@sha256:[0-9a-f]{64}$/ },
    { path: '/spec/template/spec/containers/0/image', image: /\/team\/web:1\.4\.2@sha256:[0-9a-f]{64}$/ },
    { path: '/spec/template/spec/containers/1/image', image: /\/team\/sidecar:0\.9@sha256:[0-9a-f]{64}$/ },
  ]);
  t.match(by('apps/missing-image-deployment.yaml:1')?.message, /digest-judged|IMAGEGATE_REGISTRY_NOT_FOUND/);
  t.match(by('apps/revoked-deployment.yaml:1')?.message, new RegExp(`${revoked.manifest.digest} is revoked`));
  t.match(by('core/invalid-image-pod.yaml:1')?.message, /image-reference/);
  t.equal(by('batch/pi-job.yaml:1')?.namespace, 'sandbox');
  t.equal(by('core/bare-pod.yaml:1')?.namespace, 'default');
  t.equal(by('kustomize/build-output.yaml:1.items[1]')?.kind, 'Deployment');
});

t.test('--record then --facts: the same verdicts offline, without the registry', async (t) => {
  const recorded: unknown = JSON.parse(await readFile(facts, 'utf8'));
  t.ok(isRecord(recorded) && isRecord(recorded.images), 'a facts file');
  const images = isRecord(recorded) && isRecord(recorded.images) ? recorded.images : {};
  const pins = isRecord(recorded) && isRecord(recorded.pins) ? recorded.pins : {};
  // /mutate's answers by tag, then /validate's facts for the image as /mutate left it.
  const web = pins[`${reg.host}/team/web:1.4.2`];
  t.match(web, { kind: 'pinned', image: /@sha256:[0-9a-f]{64}$/ });
  const pinnedWeb = isRecord(web) && typeof web.image === 'string' ? web.image : '';
  t.match(images[pinnedWeb], { digest: /^sha256:/, facts: {} });
  t.match(pins[`${reg.host}/team/missing:1.0`], { kind: 'unresolved', code: 'IMAGEGATE_REGISTRY_NOT_FOUND' });
  t.match(images[`${reg.host}/team/missing:1.0`], { resolutionError: { code: 'IMAGEGATE_REGISTRY_NOT_FOUND' } });
  registryUp = false;
  await reg.close();
  const replayed = await check(['-f', manifests, '--config', configFile, '-o', 'json', '--facts', facts]);
  t.equal(replayed.code, 1, replayed.err);
  t.same(verdicts(report(replayed)), verdicts(reported));
});

t.test('--offline: every tag unresolved, saying so; written digests still judged', async (t) => {
  const offline = await check(['-f', manifests, '--config', configFile, '-o', 'json', '--offline']);
  const r = report(offline);
  const web = r.find((o) => key(o) === 'apps/web-deployment.yaml:1');
  t.equal(web?.verdict, 'denied');
  t.match(web?.message, /IMAGEGATE_CHECK_OFFLINE: offline: imagegate check --offline contacts no registry/);
  const pinned = r.find((o) => key(o) === 'core/pinned-pod.yaml:1');
  // Its written digest is judged without any lookup (the warning is clipped to Kubernetes' 120 characters).
  t.equal(pinned?.verdict, 'allowed');
  t.match(pinned?.warnings, [/ judged sha256:1{8}…$/]);
});

t.test('--facts: an image the file does not hold is unresolved, naming the file and the fix', async (t) => {
  const partial = join(dir, 'partial.json');
  const recorded: unknown = JSON.parse(await readFile(facts, 'utf8'));
  if (!isRecord(recorded) || !isRecord(recorded.images)) throw new Error('no facts file');
  if (!isRecord(recorded.pins)) throw new Error('no pins in the facts file');
  const { [`${reg.host}/team/worker:2.0`]: _dropped, ...pins } = recorded.pins;
  await writeFile(partial, JSON.stringify({ ...recorded, pins }));
  const r = report(
    await check([
      '-f',
      join(manifests, 'apps', 'worker-replicaset.yaml'),
      '--config',
      configFile,
      '-o',
      'json',
      '--facts',
      partial,
    ]),
  );
  t.match(
    r[0]?.message,
    `IMAGEGATE_CHECK_FACTS_MISSING: ${reg.host}/team/worker:2.0 not in ${partial}; record again with --record`,
  );
});
