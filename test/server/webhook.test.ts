import t from 'tap';
import fjp from 'fast-json-patch';
import { kindCases, podCase, review, samplePodSpec } from '../fixtures/reviews.js';
import { recordingDecider, fakePinner } from '../fixtures/deciders.js';
import { decodePatch, reviewResponse, startTestServer, statusMessage } from '../fixtures/server.js';
import { isRecord } from '../../src/guards/index.js';

const { applyPatch } = fjp;

t.test('every workload kind: images, pointers, patches over real HTTPS', async (t) => {
  const { decider, calls } = recordingDecider({ deniedRegistry: 'evil.example.com' });
  const pinner = fakePinner();
  const srv = await startTestServer({ decider, pinner });
  t.teardown(() => srv.close());
  for (const kc of kindCases) {
    t.test(kc.kind, async (t) => {
      calls.length = 0;
      const body = review(kc);
      const v = await srv.post('/validate', body);
      t.equal(v.status, 200);
      const vr = reviewResponse(v.json);
      t.equal(vr.allowed, true, 'trusted images are allowed');
      t.notOk('patch' in vr || 'patchType' in vr, 'validating responses never carry a patch');
      const seen = (calls[0] ?? []).map((i) => [i.site.container, i.site.pointer, i.site.image]);
      const p = kc.specPointer;
      t.same(seen, [
        ['migrate', `${p}/initContainers/0/image`, 'registry.example.com/team/migrate:1.0'],
        ['proxy', `${p}/initContainers/1/image`, 'registry.example.com/mesh/proxy:2.1'],
        ['app', `${p}/containers/0/image`, 'registry.example.com/team/app:1.2.3'],
        ['log', `${p}/containers/1/image`, 'busybox'],
        ['debugger', `${p}/ephemeralContainers/0/image`, `registry.example.com/tools/debug@sha256:${'a'.repeat(64)}`],
      ]);

      const m = await srv.post('/mutate', body);
      const mr = reviewResponse(m.json);
      t.equal(mr.allowed, true);
      t.equal(mr.patchType, 'JSONPatch');
      const ops = decodePatch(mr);
      t.equal(ops.length, 4, 'one replace per tagged image; the digest-pinned one is untouched');
      const request = body.request;
      if (typeof request !== 'object' || request === null || !('object' in request)) throw new Error('bad fixture');
      const before: unknown = request.object;
      if (!isRecord(before)) throw new Error('bad fixture: request.object is not an object');
      const after = applyPatch(structuredClone(before), structuredClone(ops), true, false).newDocument;
      const changed = fjp.compare(before, after).map((op) => op.path);
      t.same(
        changed.sort(),
        [
          `${p}/containers/0/image`,
          `${p}/containers/1/image`,
          `${p}/initContainers/0/image`,
          `${p}/initContainers/1/image`,
        ].sort(),
        'only image fields change',
      );
      t.match(JSON.stringify(after), /docker\.io\/library\/busybox:latest@sha256:[0-9a-f]{64}/);

      const again = reviewResponse((await srv.post('/mutate', review(kc, { object: after }))).json);
      t.notOk('patch' in again, 'a second pass over its own output yields no patch');
    });
  }
});

t.test('denials name the container, the rule, why and the fix', async (t) => {
  const { decider } = recordingDecider({ deniedRegistry: 'docker.io' });
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const res = reviewResponse((await srv.post('/validate', review(podCase))).json);
  t.equal(res.allowed, false);
  t.match(res.status, { code: 403, reason: 'Forbidden' });
  t.equal(
    statusMessage(res),
    'imagegate denied Pod "team-a/web" (1 violation):\n' +
      '- spec.containers[1] (container "log"): image "busybox": trusted-registries: registry docker.io is not trusted; fix: use an image from registry.example.com',
    'the object, the container at its path, the image, the rule, why and the fix (no facts stage: no digest)',
  );
  const decision = srv.logs
    .map((l): unknown => JSON.parse(l))
    .find((l) => isRecord(l) && l.event === 'admission.decision');
  t.match(decision, {
    uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
    verdict: 'deny',
    kind: 'Pod',
    namespace: 'team-a',
    allowed: false,
  });
  t.notMatch(srv.logs.join('\n'), /hunter2/, 'objects (and the secrets in them) are never logged');
  const metrics = await fetchText(srv, '/metrics');
  t.match(metrics, /imagegate_admission_reviews_total\{endpoint="validate",verdict="deny"\} 1/);
});

t.test('DELETE, CONNECT and dryRun (adversarial class 7)', async (t) => {
  const { decider, calls } = recordingDecider({ deniedRegistry: 'docker.io' });
  const srv = await startTestServer({ decider, pinner: fakePinner() });
  t.teardown(() => srv.close());
  for (const operation of ['DELETE', 'CONNECT'] as const) {
    for (const path of ['/validate', '/mutate']) {
      const r = reviewResponse((await srv.post(path, review(podCase, { operation }))).json);
      t.equal(r.allowed, true, `${operation} ${path} allowed`);
      t.notOk('patch' in r, `${operation} ${path} carries no patch`);
    }
  }
  t.equal(calls.length, 0, 'nothing was evaluated');
  const dry = reviewResponse((await srv.post('/validate', review(podCase, { dryRun: true }))).json);
  t.equal(dry.allowed, false, 'dryRun gets the same decision');
});

t.test('UPDATE paths are evaluated (adversarial class 8)', async (t) => {
  const { decider, calls } = recordingDecider({ deniedRegistry: 'evil.example.com' });
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const old = podCase.wrap(samplePodSpec());
  const changed = podCase.wrap({ ...samplePodSpec(), containers: [{ name: 'app', image: 'evil.example.com/x:1' }] });
  const r1 = reviewResponse(
    (await srv.post('/validate', review(podCase, { operation: 'UPDATE', object: changed, oldObject: old }))).json,
  );
  t.equal(r1.allowed, false, 'changing containers[0].image to a bad image is denied');
  t.same(
    calls.at(-1)?.map((i) => i.site.image),
    ['evil.example.com/x:1'],
    'only the new image is evaluated',
  );

  const relabelled = { ...old, metadata: { name: 'web', labels: { x: 'y' } } };
  const r2 = reviewResponse(
    (await srv.post('/validate', review(podCase, { operation: 'UPDATE', object: relabelled, oldObject: old }))).json,
  );
  t.equal(r2.allowed, true, 'an update that changes no image is allowed without evaluation');

  const spec = samplePodSpec();
  const withDebug = podCase.wrap({
    ...spec,
    ephemeralContainers: [{ name: 'dbg', image: 'evil.example.com/debug:latest' }],
  });
  const r3 = reviewResponse(
    (
      await srv.post(
        '/validate',
        review(podCase, { operation: 'UPDATE', subResource: 'ephemeralcontainers', object: withDebug, oldObject: old }),
      )
    ).json,
  );
  t.equal(r3.allowed, false, 'pods/ephemeralcontainers adding a bad debug container is denied');

  const deleting = {
    ...changed,
    metadata: { name: 'web', deletionTimestamp: '2026-11-27T10:00:00Z', finalizers: ['example.com/keep'] },
  };
  const r4 = reviewResponse(
    (await srv.post('/validate', review(podCase, { operation: 'UPDATE', object: deleting, oldObject: old }))).json,
  );
  t.equal(r4.allowed, false, 'an object being deleted (finalizer) is still evaluated');

  const owned = {
    ...changed,
    metadata: {
      name: 'web',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'x', controller: true }],
    },
  };
  const r5 = reviewResponse((await srv.post('/validate', review(podCase, { object: owned }))).json);
  t.equal(r5.allowed, false, 'a pod claiming a ReplicaSet owner is evaluated like any other');
});

t.test('response contract (adversarial class 4)', async (t) => {
  const { decider } = recordingDecider();
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const uids = ['ünïcødé-☃-\u{1F600}', 'x'.repeat(10 * 1024), 'quote"back\\slash\u0000nul', ' spaced '];
  for (const uid of uids) {
    for (const apiVersion of ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1']) {
      const res = await srv.post('/validate', review(podCase, { uid, apiVersion }));
      t.equal(res.status, 200);
      t.match(res.json, { apiVersion, kind: 'AdmissionReview' }, 'apiVersion and kind mirror the request');
      t.equal(reviewResponse(res.json).uid, uid, `uid echoed exactly (${uid.length} chars)`);
    }
  }
  const many = podCase.wrap({
    containers: Array.from({ length: 12 }, (_, i) => ({
      name: `c${i}-${'n'.repeat(150)}`,
      image: `registry.example.com/team/app${i}:1`,
    })),
  });
  const m = reviewResponse((await srv.post('/mutate', review(podCase, { object: many }))).json);
  const warnings = m.warnings;
  if (!Array.isArray(warnings)) throw new Error('expected warnings');
  t.equal(warnings.length, 8, 'at most 8 warnings');
  for (const w of warnings) {
    t.ok(typeof w === 'string' && w.length <= 120 && !/^warning:/i.test(w), 'each ≤120 chars, no Warning: prefix');
  }
  t.match(warnings[0], /^container "c0-n+…$/, 'the container first, clipped with …');
  t.equal(warnings.at(-1), "and 5 more warnings (see imagegate's decision log)");
  t.notOk('patch' in m, 'nothing to pin without a registry, so no patch');
});

t.test('invalid references are denied with a parse error and never reach policy (class 9)', async (t) => {
  const { decider, calls } = recordingDecider();
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  for (const image of [
    'Registry.example.com/App:1',
    'nginx:',
    'repo@sha256:abc',
    'repo@md5:' + 'a'.repeat(32),
    'has space:1',
    'a'.repeat(64),
  ]) {
    const obj = podCase.wrap({ containers: [{ name: 'app', image }] });
    const r = reviewResponse((await srv.post('/validate', review(podCase, { object: obj }))).json);
    t.equal(r.allowed, false, `${image.slice(0, 40)} denied`);
    t.match(r.status, {
      message: new RegExp(
        `^imagegate denied Pod "team-a/web" \\(1 violation\\):\\n- spec\\.containers\\[0\\] \\(container "app"\\): image ${escapeRegExp(JSON.stringify(image))}: image-reference: .+; fix: write a valid image reference such as registry\\.example\\.com/team/app:1\\.2\\.3$`,
      ),
    });
  }
  t.equal(calls.length, 0, 'the decider (and so the network) was never asked');
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function fetchText(srv: { url: string; agent: import('undici').Agent }, path: string): Promise<string> {
  const { request } = await import('undici');
  const res = await request(`${srv.url}${path}`, { dispatcher: srv.agent });
  return res.body.text();
}
