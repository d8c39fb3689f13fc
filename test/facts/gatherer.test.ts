/**
 * The facts stage against the real test registry (docker-registry over TLS): which digest is
 * judged, that tags go through the Pinner's own resolver and cache, and what fact sources give.
 */
import t, { type Test } from 'tap';
import type { Dispatcher } from 'undici';
import { createRegistryPinner } from '../../src/registry/index.js';
import { createFactGatherer, type FactSource } from '../../src/facts/internal.js';
import type { FactGatherer, ImageFacts, PinContext } from '../../src/admission/index.js';
import { ImagegateError } from '../../src/errors/index.js';
import { buildImage, startRegistry, REGISTRY_PASSWORD, REGISTRY_USER } from '../fixtures/registry/index.js';
import { pullSecretPinner } from './pull-secret.js';
import { longSignal, manualClock, pinnedOf, ref, registriesConfig } from '../registry/helpers.js';

/** A signal aborted after `ms` by a referenced timer (AbortSignal.timeout's is unreferenced and may be collected). */
function deadline(ms: number): AbortSignal {
  const c = new AbortController();
  setTimeout(() => c.abort(new Error(`test deadline of ${ms} ms`)), ms);
  return c.signal;
}

const reg = await startRegistry();
t.teardown(() => reg.close());

const v1 = buildImage({ content: 'facts v1' });
const v2 = buildImage({ content: 'facts v2' });
const D1 = v1.manifest.digest;
const D2 = v2.manifest.digest;
await reg.push('team/app', '1', v1);
await reg.push('team/app', '2', v2);
const repository = `${reg.host}/team/app`;

const TAG_TTL = 10_000;
const FAILURE_TTL = 2_000;

interface Call {
  readonly digest: string;
  readonly repository: string;
}

/** A fact source of the test's own: records its calls and answers with `answer` (default: the digest back). */
function testSource(
  opts: {
    readonly name?: string;
    readonly revision?: string;
    readonly ttlMs?: number;
    readonly answer?: (call: Call & { readonly signal: AbortSignal }) => Promise<unknown>;
    /** The answer's own reuse time (ms), e.g. until a grade drops. */
    readonly answerTtlMs?: number;
  } = {},
): FactSource & { calls: Call[]; revision: string } {
  const calls: Call[] = [];
  return {
    name: opts.name ?? 'probe',
    revision: opts.revision ?? 'r1',
    ttlMs: opts.ttlMs ?? 60_000,
    calls,
    lookup: async (call) => {
      calls.push({ digest: call.digest, repository: call.repository });
      const value = opts.answer === undefined ? { seen: call.digest } : await opts.answer(call);
      return { value, ...(opts.answerTtlMs === undefined ? {} : { ttlMs: opts.answerTtlMs }) };
    },
  };
}

/** The paths the resolver requested from the registry. */
function recording(agent: Dispatcher): { dispatcher: Dispatcher; paths: string[] } {
  const paths: string[] = [];
  const dispatcher = agent.compose((dispatch) => (o, handler) => {
    paths.push(`${o.method} ${o.path}`);
    return dispatch(o, handler);
  });
  return { dispatcher, paths };
}

function stage(t: Test, sources: readonly FactSource[], extra: Record<string, unknown> = {}) {
  const clock = manualClock();
  const { dispatcher, paths } = recording(reg.agent);
  const pinner = createRegistryPinner({
    registries: registriesConfig({
      hosts: [{ host: reg.host, credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } }],
      cacheTtlMs: TAG_TTL,
      failureTtlMs: FAILURE_TTL,
      ...extra,
    }),
    dispatcher,
    clock,
  });
  t.teardown(() => pinner.close());
  const gatherer = createFactGatherer({ registry: pinner, sources });
  return { clock, paths, pinner, gatherer };
}

async function gatherOne(gatherer: FactGatherer, image: string, signal = longSignal()): Promise<ImageFacts> {
  const [facts] = await gatherer.gather({ images: [ref(image)], signal });
  if (facts === undefined) throw new Error('no facts');
  return facts;
}

t.test('a digest written in the image is judged as written: its tag is never resolved', async (t) => {
  const probe = testSource({ ttlMs: 5_000 });
  const { clock, paths, gatherer } = stage(t, [probe]);
  // Tag 1 points to D1 now; the image names D2.
  const facts = await gatherOne(gatherer, `${reg.host}/team/app:1@${D2}`);
  t.same(facts, { digest: D2, facts: { probe: { seen: D2 } }, validUntil: clock.now() + 5_000 });
  t.notOk('resolvedFrom' in facts, 'no tag was resolved');
  t.same(paths, [], 'the registry was not asked anything');
  t.same(probe.calls, [{ digest: D2, repository }], 'the fact is about the written digest, in its repository');
});

t.test("a tag is resolved by the Pinner's own resolver: the digest /mutate pinned, from its cache", async (t) => {
  const probe = testSource({ ttlMs: 60_000 });
  const { clock, paths, pinner, gatherer } = stage(t, [probe]);
  await reg.push('team/moving', '1', v1);
  const [pinned] = await pinner.pin({ images: [ref(`${reg.host}/team/moving:1`)], signal: longSignal() });
  t.equal(pinnedOf(pinned), `${reg.host}/team/moving:1@${D1}`);
  const pinnedAt = clock.now();
  const requestsForPin = paths.length;

  await reg.push('team/moving', '1', v2);
  clock.advance(TAG_TTL - 1);
  const within = await gatherOne(gatherer, `${reg.host}/team/moving:1`);
  t.equal(within.digest, D1, 'within cacheTtlMs the gatherer judges what /mutate pinned');
  t.equal(within.resolvedFrom, '1');
  t.equal(within.validUntil, pinnedAt + TAG_TTL, 'stale when the tag resolution stops being served');
  t.equal(paths.length, requestsForPin, 'no request: the one cache of both webhooks answered');

  clock.advance(2);
  const after = await gatherOne(gatherer, `${reg.host}/team/moving:1`);
  t.equal(after.digest, D2, 'after the TTL the tag is resolved again');
  t.same(
    probe.calls.map((c) => c.digest),
    [D1, D2],
  );
  t.ok(
    paths.slice(requestsForPin).some((p) => p.startsWith('GET /v2/team/moving/manifests/1')),
    're-resolved at the registry',
  );
});

t.test('an untrusted host is never contacted; every source gets the resolution error', async (t) => {
  const probe = testSource();
  const other = testSource({ name: 'grade' });
  const { paths, gatherer } = stage(t, [probe, other]);
  const facts = await gatherOne(gatherer, 'evil.example.com/team/app:1');
  t.same(paths, []);
  t.same(probe.calls, [], 'no digest, nothing to look up');
  t.equal(facts.digest, undefined);
  t.equal(facts.resolvedFrom, '1');
  t.equal(facts.resolutionError?.code, 'IMAGEGATE_REGISTRY_UNTRUSTED');
  t.match(facts.resolutionError?.message, /evil\.example\.com: not in the trusted registries/);
  for (const name of ['probe', 'grade']) {
    t.match(
      facts.facts[name],
      { error: { code: 'IMAGEGATE_REGISTRY_UNTRUSTED', message: /^not looked up: the image has no digest \(/ } },
      `${name} is an error, never absent`,
    );
  }
  t.equal(facts.validUntil, Infinity, 'the refusal depends only on the configuration');
});

t.test('a tag that does not exist: the failure is remembered for failureTtlMs, and says so', async (t) => {
  const { clock, gatherer } = stage(t, [testSource()]);
  const facts = await gatherOne(gatherer, `${reg.host}/team/app:nope`);
  t.equal(facts.resolutionError?.code, 'IMAGEGATE_REGISTRY_NOT_FOUND');
  t.equal(facts.validUntil, clock.now() + FAILURE_TTL);
});

t.test('a tagless image is resolved from latest', async (t) => {
  const { gatherer } = stage(t, []);
  await reg.push('team/app', 'latest', v2);
  const facts = await gatherOne(gatherer, `${reg.host}/team/app`);
  t.same(facts, { digest: D2, resolvedFrom: 'latest', facts: {}, validUntil: facts.validUntil });
});

t.test('all fact sources are asked concurrently', async (t) => {
  let bStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    bStarted = resolve;
  });
  const a = testSource({
    name: 'a',
    // Resolves only once b has started: were the sources asked one after another, a would wait in vain.
    answer: async () => {
      const waited = await Promise.race([
        started.then(() => 'together'),
        new Promise<string>((r) => setTimeout(() => r('alone'), 5_000).unref()),
      ]);
      return { waited };
    },
  });
  const b = testSource({
    name: 'b',
    answer: async () => {
      bStarted();
      return { ok: true };
    },
  });
  const { gatherer } = stage(t, [a, b]);
  const facts = await gatherOne(gatherer, `${reg.host}/team/app@${D1}`);
  t.same(facts.facts, { a: { waited: 'together' }, b: { ok: true } });
});

t.test('answers are cached per source revision, repository and digest, for the source TTL', async (t) => {
  const probe = testSource({ ttlMs: 3_000 });
  const { clock, gatherer } = stage(t, [probe]);
  const image = `${reg.host}/team/app@${D1}`;
  await Promise.all([gatherOne(gatherer, image), gatherOne(gatherer, image)]);
  t.equal(probe.calls.length, 1, 'two reviews at once share one lookup');
  clock.advance(2_999);
  await gatherOne(gatherer, image);
  t.equal(probe.calls.length, 1, 'served from the cache until its TTL');
  await gatherOne(gatherer, `${reg.host}/other/copy@${D1}`);
  t.same(probe.calls[1], { digest: D1, repository: `${reg.host}/other/copy` }, 'another repository is asked');
  probe.revision = 'r2';
  const revised = await gatherOne(gatherer, image);
  t.equal(probe.calls.length, 3, 'a new revision is never served an old answer');
  t.equal(revised.validUntil, clock.now() + 3_000);
  clock.advance(3_000);
  await gatherOne(gatherer, image);
  t.equal(probe.calls.length, 4, 'asked again from the instant the TTL ends');
});

t.test("an answer's own reuse time (a grade's next drop) wins when sooner than the source TTL", async (t) => {
  const soon = testSource({ ttlMs: 60_000, answerTtlMs: 500 });
  const late = testSource({ name: 'late', ttlMs: 1_000, answerTtlMs: 90_000 });
  const { clock, gatherer } = stage(t, [soon, late]);
  const image = `${reg.host}/team/app@${D1}`;
  const first = await gatherOne(gatherer, image);
  t.equal(first.validUntil, clock.now() + 500, 'the evidence is stale when the soonest answer is');
  clock.advance(499);
  await gatherOne(gatherer, image);
  t.equal(soon.calls.length, 1, 'served until its own reuse time');
  t.equal(late.calls.length, 1);
  clock.advance(1);
  await gatherOne(gatherer, image);
  t.equal(soon.calls.length, 2, 'asked again once its answer is stale');
  t.equal(late.calls.length, 1, 'an answer never outlives its source TTL, however long it says it holds');
  clock.advance(500);
  await gatherOne(gatherer, image);
  t.equal(late.calls.length, 2, 'the later answer is asked again at its source TTL');
});
t.test('a failing source gives {error: {code, message}}, is not cached, and stales the evidence', async (t) => {
  let mode: 'imagegate' | 'plain' | 'fine' = 'imagegate';
  const flaky = testSource({
    name: 'signatures',
    answer: async () => {
      if (mode === 'imagegate') throw new ImagegateError('IMAGEGATE_REGISTRY_UNAVAILABLE', 'sigstore is down');
      if (mode === 'plain') throw new TypeError('boom');
      return { verified: true };
    },
  });
  const steady = testSource({ name: 'grade', ttlMs: 60_000 });
  const { clock, gatherer } = stage(t, [flaky, steady]);
  const image = `${reg.host}/team/app@${D1}`;
  const first = await gatherOne(gatherer, image);
  t.same(first.facts, {
    signatures: { error: { code: 'IMAGEGATE_REGISTRY_UNAVAILABLE', message: 'sigstore is down' } },
    grade: { seen: D1 },
  });
  t.equal(first.validUntil, clock.now(), 'a verdict on a failed lookup must not outlive it');
  mode = 'plain';
  const second = await gatherOne(gatherer, image);
  t.same(second.facts.signatures, {
    error: { code: 'IMAGEGATE_FACTS_LOOKUP_FAILED', message: `fact source signatures failed for ${D1}: boom` },
  });
  mode = 'fine';
  t.same((await gatherOne(gatherer, image)).facts.signatures, { verified: true }, 'failures are not cached');
  t.equal(flaky.calls.length, 3);
  t.equal(steady.calls.length, 1);
});

t.test('answers that would not reach the policy intact are errors, not silent absences', async (t) => {
  const answers: unknown[] = [
    undefined,
    { count: 1n },
    { score: Number.NaN },
    new Map([['a', 1]]),
    { error: 'looks like a failure' },
    [1, undefined],
  ];
  for (const value of answers) {
    const odd = testSource({ name: 'odd', ttlMs: 0, answer: async () => value });
    const { gatherer } = stage(t, [odd]);
    const facts = await gatherOne(gatherer, `${reg.host}/team/app@${D1}`);
    t.match(
      facts.facts.odd,
      { error: { code: 'IMAGEGATE_FACTS_LOOKUP_FAILED', message: /^fact source odd answered with / } },
      JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
    );
  }
  const nested = testSource({ name: 'nested', answer: async () => ({ a: [{ b: null, c: 'x', d: 1.5, e: false }] }) });
  const { gatherer } = stage(t, [nested]);
  t.same((await gatherOne(gatherer, `${reg.host}/team/app@${D1}`)).facts.nested, {
    a: [{ b: null, c: 'x', d: 1.5, e: false }],
  });
});

t.test('a source still silent at the deadline is a deadline error, and its lookup is aborted', async (t) => {
  let aborted = false;
  const silent = testSource({
    name: 'silent',
    answer: ({ signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        });
      }),
  });
  const { gatherer } = stage(t, [silent, testSource()]);
  const facts = await gatherOne(gatherer, `${reg.host}/team/app@${D1}`, deadline(100));
  t.match(facts.facts.silent, { error: { code: 'IMAGEGATE_DEADLINE_EXCEEDED', message: /review deadline/ } });
  t.same(facts.facts.probe, { seen: D1 }, 'the other source answered');
  t.ok(aborted, 'nobody waits for the lookup any more: it is stopped');
});

t.test('sources whose answers could not be told apart or keyed are refused at creation', async (t) => {
  const pinner = createRegistryPinner({ registries: registriesConfig({ hosts: [] }) });
  t.teardown(() => pinner.close());
  const make = (sources: FactSource[]) => () => createFactGatherer({ registry: pinner, sources });
  const code = { code: 'IMAGEGATE_FACTS_SOURCE_INVALID' };
  t.throws(make([testSource({ name: 'Signatures' })]), { ...code, message: /"Signatures" is not \[a-z\]/ });
  t.throws(make([testSource({ name: '__proto__' })]), code);
  t.throws(make([testSource({ name: 'a'.repeat(64) })]), code);
  t.throws(make([testSource({ name: 'sig' }), testSource({ name: 'sig' })]), {
    ...code,
    message: /two fact sources are named "sig"/,
  });
  t.throws(make([testSource({ ttlMs: -1 })]), { ...code, message: /ttlMs must be a whole number/ });
  t.throws(make([testSource({ ttlMs: 1.5 })]), code);
  t.doesNotThrow(make([testSource({ name: 'health_grade2' })]));
});

t.test('the evidence revision names every source and changes with any of their revisions', async (t) => {
  const a = testSource({ name: 'a', revision: 'keys-1' });
  const b = testSource({ name: 'b', revision: 'grades-7' });
  const { gatherer } = stage(t, [a, b]);
  const before = gatherer.revision;
  t.equal(
    before,
    JSON.stringify([
      ['a', 'keys-1'],
      ['b', 'grades-7'],
    ]),
  );
  a.revision = 'keys-2';
  t.not(gatherer.revision, before);
  t.equal(stage(t, []).gatherer.revision, '[]');
});

t.test("tags are resolved with the pod's pull secrets, as /mutate resolves them", async (t) => {
  const { pinner, kubeApi } = await pullSecretPinner(t, reg);
  const gatherer = createFactGatherer({ registry: pinner, sources: [] });
  const images = [ref(`${reg.host}/team/app:1`), ref(`${reg.host}/team/app:2`)];
  const context: PinContext = { namespace: 'team-a', imagePullSecrets: ['regcred'] };
  const seen = kubeApi.requests.length;
  const withSecret = await gatherer.gather({ images, signal: longSignal(), context });
  t.same(
    withSecret.map((f) => f.digest),
    [D1, D2],
  );
  t.equal(
    kubeApi.requests.slice(seen).filter((r) => r.path.endsWith('/secrets/regcred')).length,
    1,
    'the secret is read once per review, not per image',
  );
  const anonymous = await gatherer.gather({ images, signal: longSignal() });
  t.same(
    anonymous.map((f) => f.resolutionError?.code),
    ['IMAGEGATE_REGISTRY_UNAUTHORIZED', 'IMAGEGATE_REGISTRY_UNAUTHORIZED'],
  );
});

t.test('every lookup is counted by source: a miss, then hits from its cache; failures as errors', async (t) => {
  const seen: string[] = [];
  const metrics = { lookup: (source: string, result: string) => seen.push(`${source} ${result}`) };
  const ok = testSource({ name: 'ok' });
  const failing = testSource({
    name: 'broken',
    answer: () => Promise.reject(new ImagegateError('IMAGEGATE_FACTS_LOOKUP_FAILED', 'backend down')),
  });
  const { pinner } = stage(t, []);
  const gatherer = createFactGatherer({ registry: pinner, sources: [ok, failing], metrics });
  await gatherOne(gatherer, `${reg.host}/team/app@${D1}`);
  await gatherOne(gatherer, `${reg.host}/team/app@${D1}`);
  t.same(seen.sort(), ['broken error', 'broken error', 'ok hit', 'ok miss']);
  t.equal(ok.calls.length, 1, 'the hit asked nothing');
});
