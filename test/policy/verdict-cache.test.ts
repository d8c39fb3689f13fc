import t from 'tap';
import { ask, bundleOf, decide, decider, digestPolicy, DIGEST_A, DIGEST_B } from '../fixtures/verdicts.js';
import { DEFAULT_VERDICT_CACHE, policyInput, reviewKeyer, VerdictCache } from '../../src/policy/internal.js';
import type { Bundle } from '../../src/policy/index.js';

// Evaluator threads are slow to start on a loaded machine: tests share deciders where they can.
const digestBundle = await bundleOf(digestPolicy);
const shared = await decider(digestBundle);
let now = 0;
const timed = await decider(digestBundle, {
  clock: { now: () => now },
  verdictCache: { ...DEFAULT_VERDICT_CACHE, maxTtlMs: 10_000 },
});

t.test('a repeated review with a fresh uid is answered from the cache, without an evaluation', async (t) => {
  const d = shared;
  const base = d.status().evaluations;
  t.same(d.verdictKeying, {
    kind: 'input-paths',
    paths: [
      ['images', null, 'container'],
      ['images', null, 'digest'],
      ['request', 'namespace'],
    ],
  });
  const first = await decide(
    d,
    ask({ uid: 'u1', images: [{ image: 'registry.example.com/app:1', digest: DIGEST_B }] }),
  );
  t.match(first, { kind: 'deny', violations: [{ rule: 'denied-digest', message: `${DIGEST_B} is denied` }] });
  const again = await decide(
    d,
    ask({ uid: 'u2', images: [{ image: 'registry.example.com/app:1', digest: DIGEST_B }] }),
  );
  t.same(again, first);
  t.equal(d.status().evaluations, base + 1);
  t.match(d.status().verdictCache, { hits: 1, misses: 1, entries: 1 });
});

t.test('the same digest under another tag hits; another digest or namespace misses', async (t) => {
  const d = shared;
  const base = d.status().evaluations;
  await decide(
    d,
    ask({ uid: 'u1', namespace: 'team-c', images: [{ image: 'registry.example.com/app:1', digest: DIGEST_A }] }),
  );
  const retagged = await decide(
    d,
    ask({ uid: 'u2', namespace: 'team-c', images: [{ image: 'registry.example.com/app:latest', digest: DIGEST_A }] }),
  );
  t.same(retagged, { kind: 'allow', warnings: ['team-c'] });
  t.equal(d.status().evaluations, base + 1, 'a tag the policy never reads does not defeat the cache');
  const moved = await decide(
    d,
    ask({ uid: 'u3', namespace: 'team-c', images: [{ image: 'registry.example.com/db:1', digest: DIGEST_B }] }),
  );
  t.match(moved, { kind: 'deny' }, 'a denied digest is judged afresh');
  const elsewhere = await decide(
    d,
    ask({ uid: 'u4', namespace: 'team-b', images: [{ image: 'registry.example.com/app:1', digest: DIGEST_A }] }),
  );
  t.same(elsewhere, { kind: 'allow', warnings: ['team-b'] });
  t.equal(d.status().evaluations, base + 3);
});

t.test('no two policies, data documents or evidence revisions share a key for one input', async (t) => {
  const bundle = digestBundle;
  const other = await bundleOf(digestPolicy.replace('"denied-digest"', '"x"'));
  const r = ask({ uid: 'u1', images: [{ image: 'registry.example.com/app:1', digest: DIGEST_A }] });
  const input = policyInput(r);
  const key = (b: Bundle, evidence?: string) =>
    reviewKeyer({ bundle: b, entrypoint: 'imagegate/decision', enabled: true }).key(input, evidence);
  const keys = [
    key(bundle),
    key(other),
    key({ ...bundle, data: { denied: [DIGEST_A] } }),
    key({ ...bundle, manifest: { ...bundle.manifest, revision: 'r2' } }),
    key(bundle, 'signatures@2'),
  ];
  t.equal(new Set(keys).size, keys.length);
  t.equal(key(bundle), key(bundle), 'and one input under one policy has one key');
});

t.test('a verdict is reused until the earliest validUntil of its images facts, then re-evaluated', async (t) => {
  now = 1_000;
  const d = timed;
  const base = d.status().evaluations;
  const shown = [
    { image: 'registry.example.com/app:1', digest: DIGEST_A, validUntil: 5_000 },
    { image: 'registry.example.com/db:1', digest: DIGEST_A, validUntil: 3_000 },
  ];
  await decide(d, ask({ uid: 'u1', images: shown }));
  now = 2_999;
  await decide(d, ask({ uid: 'u2', images: shown }));
  t.equal(d.status().evaluations, base + 1, 'before the earliest validUntil: cached');
  now = 3_000;
  await decide(d, ask({ uid: 'u3', images: shown }));
  t.equal(d.status().evaluations, base + 2, 'at it: evaluated again');
});

t.test('no verdict is served longer than maxTtlMs', async (t) => {
  now = 20_000;
  const d = timed;
  const base = d.status().evaluations;
  const r = (uid: string) =>
    ask({ uid, namespace: 'ttl', images: [{ image: 'registry.example.com/app:1', digest: DIGEST_A }] });
  await decide(d, r('u1'));
  now = 29_999;
  await decide(d, r('u2'));
  t.equal(d.status().evaluations, base + 1);
  now = 30_000;
  await decide(d, r('u3'));
  t.equal(d.status().evaluations, base + 2);
});

t.test('undecided verdicts are never cached', async (t) => {
  const d = shared;
  const base = d.status().evaluations;
  const r = (uid: string) =>
    ask({ uid, namespace: 'undefined', images: [{ image: 'registry.example.com/app:1', digest: DIGEST_A }] });
  t.match(await decide(d, r('u1')), { kind: 'undecided' });
  t.match(await decide(d, r('u2')), { kind: 'undecided' });
  t.equal(d.status().evaluations, base + 2);
});

t.test('the byte bound evicts the least recently used verdicts', async (t) => {
  const cache = new VerdictCache({ maxEntries: 1_000, maxBytes: 4_096, maxTtlMs: 60_000, clock: { now: () => 0 } });
  const verdict = (i: number) => ({ kind: 'allow' as const, warnings: [`warning ${i} `.repeat(20)] });
  for (let i = 0; i < 50; i++) cache.set(`key-${i}`, verdict(i), Infinity);
  const { entries, bytes } = cache.status();
  t.ok(bytes <= 4_096, `${bytes} bytes held`);
  t.ok(entries > 0 && entries < 50, `${entries} entries kept`);
  t.equal(cache.get('key-0'), undefined, 'the oldest is gone');
  t.same(cache.get('key-49'), verdict(49), 'the newest is kept');
});
