/**
 * /validate and /mutate through fastify's inject(), with no TLS and no sockets: the admission
 * contract (uid echoed, verdicts, patch only from /mutate, every container field extracted)
 * for every workload kind, fast enough to run on every change. The real HTTPS path is
 * covered by webhook.test.ts.
 */
import t, { type Test } from 'tap';
import fastJsonPatch from 'fast-json-patch';
import { validateConfig } from '../../src/config/internal.js';
import { createMetrics } from '../../src/server/index.js';
import { buildApp } from '../../src/server/internal.js';
import { fakePinner, recordingDecider } from '../fixtures/deciders.js';
import { memoryLog, reviewResponse, decodePatch } from '../fixtures/server.js';
import { kindCases, review } from '../fixtures/reviews.js';

function app(t: Test) {
  const config = validateConfig({ value: {}, source: 'test' });
  const recording = recordingDecider({ deniedRegistry: 'docker.io' });
  const pinner = fakePinner();
  const built = buildApp({
    config,
    logger: memoryLog().logger,
    decider: recording.decider,
    pinner,
    metrics: createMetrics(),
  });
  t.teardown(() => built.close());
  return { app: built, calls: recording.calls, pinner };
}

async function post(a: ReturnType<typeof app>['app'], url: string, body: unknown) {
  const res = await a.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, json: res.json<unknown>() };
}

for (const kc of kindCases) {
  t.test(`${kc.kind}: /validate extracts every container field and denies by the decider's rule`, async (t) => {
    const { app: a, calls } = app(t);
    const { status, json } = await post(a, '/validate', review(kc, { uid: `uid-${kc.kind}` }));
    t.equal(status, 200);
    const r = reviewResponse(json);
    t.equal(r.uid, `uid-${kc.kind}`, 'the uid is echoed');
    t.equal(r.allowed, false, 'busybox (docker.io) is denied');
    t.match(r.status, { code: 403, message: /log.*busybox.*trusted-registries/s });
    t.notOk('patch' in r, 'a validating answer never carries a patch');
    const sites = (calls[0] ?? []).map((i) => [i.site.field, i.site.container, i.site.pointer]).sort();
    t.same(
      sites,
      [
        ['initContainers', 'migrate', `${kc.specPointer}/initContainers/0/image`],
        ['initContainers', 'proxy', `${kc.specPointer}/initContainers/1/image`],
        ['containers', 'app', `${kc.specPointer}/containers/0/image`],
        ['containers', 'log', `${kc.specPointer}/containers/1/image`],
        ['ephemeralContainers', 'debugger', `${kc.specPointer}/ephemeralContainers/0/image`],
      ].sort(),
      'all five images with their JSON pointers',
    );
  });

  t.test(`${kc.kind}: /mutate pins every tagged image and its patch applies`, async (t) => {
    const { app: a, pinner } = app(t);
    const body = review(kc);
    const { json } = await post(a, '/mutate', body);
    const r = reviewResponse(json);
    t.equal(r.allowed, true, '/mutate never denies');
    t.equal(r.patchType, 'JSONPatch');
    const ops = decodePatch(r);
    t.equal(ops.length, 4, 'four tagged images; the digest-pinned debugger is left alone');
    t.equal(pinner.asked.length, 4);
    const request = body.request;
    const object = typeof request === 'object' && request !== null && 'object' in request ? request.object : undefined;
    const patched = fastJsonPatch.applyPatch(structuredClone(object), structuredClone(ops), true, false).newDocument;
    const images = JSON.stringify(patched).match(/"image":"[^"]+"/g) ?? [];
    t.equal(images.filter((i) => /@sha256:[0-9a-f]{64}"$/.test(i)).length, 5, 'every image now carries a digest');
  });
}

t.test('DELETE is allowed without evaluation or patch', async (t) => {
  const { app: a, calls } = app(t);
  const kc = kindCases[0];
  if (kc === undefined) throw new Error('no kind cases');
  for (const url of ['/validate', '/mutate']) {
    const r = reviewResponse((await post(a, url, review(kc, { operation: 'DELETE' }))).json);
    t.equal(r.allowed, true, url);
    t.notOk('patch' in r, `${url}: no patch on DELETE`);
  }
  t.equal(calls.length, 0, 'the decider was never asked');
});
