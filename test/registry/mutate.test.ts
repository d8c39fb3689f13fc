import t, { type Test } from 'tap';
import fjp from 'fast-json-patch';
import { createRegistryPinner } from '../../src/registry/index.js';
import {
  buildImage,
  buildMultiArch,
  startRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
} from '../fixtures/registry/index.js';
import { recordingDecider } from '../fixtures/deciders.js';
import { podCase, review } from '../fixtures/reviews.js';
import { decodePatch, reviewResponse, startTestServer } from '../fixtures/server.js';
import { registriesConfig } from './helpers.js';

const reg = await startRegistry();
t.teardown(() => reg.close());

/** The real HTTPS webhook pinning at the real registry, recording every registry request path. */
async function webhookOnRegistry(t: Test) {
  const paths: string[] = [];
  const dispatcher = reg.agent.compose((dispatch) => (opts, handler) => {
    paths.push(`${opts.method} ${opts.path}`);
    return dispatch(opts, handler);
  });
  const pinner = createRegistryPinner({
    registries: registriesConfig({
      hosts: [{ host: reg.host, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } }],
    }),
    dispatcher,
  });
  t.teardown(() => pinner.close());
  const srv = await startTestServer({ decider: recordingDecider().decider, pinner });
  t.teardown(() => srv.close());
  return { paths, srv };
}

t.test('/mutate over real HTTPS pins a pod to the real registry digests', async (t) => {
  const app = buildImage({ content: 'app 1' });
  const web = buildMultiArch('web');
  const log = buildImage({ content: 'log 3' });
  const other = buildImage({ content: 'something else' });
  await reg.push('team/app', '1', app);
  await reg.push('team/web', '2', web);
  await reg.push('team/log', '3', log);
  await reg.push('team/tools', 'v9', other);

  const { paths, srv } = await webhookOnRegistry(t);

  // The tag v9 exists but points elsewhere: the digest the pod names must win, unresolved.
  const pinnedTools = `${reg.host}/team/tools:v9@${app.manifest.digest}`;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'team-a', annotations: { 'example.com/a~b': 'x/y' } },
    spec: {
      initContainers: [{ name: 'tools', image: pinnedTools }],
      containers: [
        { name: 'app', image: `${reg.host}/team/app:1`, ports: [{ containerPort: 8080 }] },
        { name: 'web', image: `${reg.host}/team/web:2` },
        { name: 'log', image: `${reg.host}/team/log:3` },
      ],
    },
  };
  const res = reviewResponse((await srv.post('/mutate', review(podCase, { object: pod }))).json);
  t.equal(res.allowed, true);
  t.same(res.warnings ?? [], [], 'no warnings');
  const ops = decodePatch(res);
  const after = fjp.applyPatch(structuredClone(pod), structuredClone(ops), true, false).newDocument;
  t.same(
    fjp.compare(pod, after),
    [
      { op: 'replace', path: '/spec/containers/2/image', value: `${reg.host}/team/log:3@${log.manifest.digest}` },
      { op: 'replace', path: '/spec/containers/1/image', value: `${reg.host}/team/web:2@${web.manifest.digest}` },
      { op: 'replace', path: '/spec/containers/0/image', value: `${reg.host}/team/app:1@${app.manifest.digest}` },
    ],
    'only the three tagged image fields change, each to the digest pushed',
  );
  t.notOk(
    paths.some((p) => p.includes('/team/tools/')),
    'the tag+digest image was never resolved',
  );

  const before = paths.length;
  const again = reviewResponse((await srv.post('/mutate', review(podCase, { object: after }))).json);
  t.notOk('patch' in again, 'a second pass over its own output yields no patch');
  t.equal(paths.length, before, 'and contacts no registry');
});

t.test('/mutate leaves unresolvable images alone and says why in warnings', async (t) => {
  const pinner = createRegistryPinner({
    registries: registriesConfig({ hosts: [{ host: reg.host, caFile: reg.caFile }] }),
  });
  t.teardown(() => pinner.close());
  const srv = await startTestServer({ decider: recordingDecider().decider, pinner });
  t.teardown(() => srv.close());
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: {
      containers: [
        { name: 'app', image: `${reg.host}/team/app:1` },
        { name: 'hub', image: 'nginx:1.27' },
      ],
    },
  };
  const res = reviewResponse((await srv.post('/mutate', review(podCase, { object: pod }))).json);
  t.equal(res.allowed, true);
  t.notOk('patch' in res);
  const warnings = res.warnings;
  if (!Array.isArray(warnings)) throw new Error('no warnings');
  const text = warnings.join('\n');
  t.match(text, `container "app" not pinned: registry ${reg.host}: authentication required (HTTP 401`);
  t.match(text, 'container "hub" not pinned: registry docker.io: not in the trusted registries (registries.hosts)');
  // The codes cross the admission boundary: the decision line and the metrics name them.
  const decision = srv.logs
    .map((l): unknown => JSON.parse(l))
    .find((l) => typeof l === 'object' && l !== null && 'event' in l && l.event === 'admission.decision');
  t.match(decision, {
    unpinned: [
      { image: `${reg.host}/team/app:1`, code: 'IMAGEGATE_REGISTRY_UNAUTHORIZED' },
      { image: 'nginx:1.27', code: 'IMAGEGATE_REGISTRY_UNTRUSTED' },
    ],
  });
  const metrics = (await srv.running.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.match(metrics, 'imagegate_unpinned_images_total{code="IMAGEGATE_REGISTRY_UNAUTHORIZED"} 1');
  t.match(metrics, 'imagegate_unpinned_images_total{code="IMAGEGATE_REGISTRY_UNTRUSTED"} 1');
});

t.test('/mutate after another mutator added a tagged sidecar pins only the sidecar (class 6)', async (t) => {
  const app = buildImage({ content: 'reinvoked app' });
  const side = buildImage({ content: 'injected sidecar' });
  const init = buildImage({ content: 'reinvoked init' });
  await reg.push('team/app', 'r1', app);
  await reg.push('mesh/proxy', '1.2', side);
  await reg.push('team/init', 'r1', init);
  const { paths, srv } = await webhookOnRegistry(t);

  // Our first pass pinned app and init; a mesh injector then added a tagged native sidecar and container.
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'team-a', annotations: { 'sidecar.example.com/status': 'injected' } },
    spec: {
      initContainers: [
        { name: 'init', image: `${reg.host}/team/init:r1@${init.manifest.digest}` },
        { name: 'proxy-init', image: `${reg.host}/mesh/proxy:1.2`, restartPolicy: 'Always' },
      ],
      containers: [
        { name: 'app', image: `${reg.host}/team/app:r1@${app.manifest.digest}` },
        { name: 'proxy', image: `${reg.host}/mesh/proxy:1.2` },
      ],
    },
  };
  const res = reviewResponse((await srv.post('/mutate', review(podCase, { object: pod }))).json);
  t.equal(res.allowed, true);
  t.same(res.warnings ?? [], []);
  const ops = decodePatch(res);
  const after = fjp.applyPatch(structuredClone(pod), structuredClone(ops), true, false).newDocument;
  const sidecar = `${reg.host}/mesh/proxy:1.2@${side.manifest.digest}`;
  t.same(
    fjp.compare(pod, after).sort((a, b) => a.path.localeCompare(b.path)),
    [
      { op: 'replace', path: '/spec/containers/1/image', value: sidecar },
      { op: 'replace', path: '/spec/initContainers/1/image', value: sidecar },
    ],
    'only the two injected image fields change; the pinned ones stay byte-identical',
  );
  t.same(
    [...new Set(paths.filter((p) => p.includes('/manifests/')).map((p) => p.split('/manifests/')[0]))],
    ['GET /v2/mesh/proxy'],
    'only the sidecar repository was contacted',
  );
});
