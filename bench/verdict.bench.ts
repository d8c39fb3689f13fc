/**
 * The verdict cache (src/policy/verdict-cache.ts, review-key.ts) on the shipped policy with
 * five trusted prefixes, for a 3-container pod. The policy runs on this thread through the
 * stock SDK, as an evaluator thread runs it (the thread hop, which a hit also saves, is not in
 * these figures). Baseline: one evaluation and reading its verdict. Cases: a miss (a review
 * never seen: key, lookup, evaluation, store), a hit (the same review with a fresh uid: key and
 * lookup), and the key alone. Figures only, no assertions (a wrong verdict, or a hit that
 * would evaluate, stops the run).
 */
import { performance } from 'node:perf_hooks';
import { policyInput, reviewKeyer, verdictFromResult, VerdictCache } from '../src/policy/internal.js';
import { shippedBundle } from '../src/policy/internal.js';
import { loadRegoPolicy } from '../src/rego/index.js';
import { parseAdmissionReview, extractImages } from '../src/admission/internal.js';
import { parseImageReference } from '../src/images/internal.js';
import { measure, report } from './harness.js';

const ENTRYPOINT = 'imagegate/decision';
const TRUSTED = ['ghcr.io/acme', 'registry.internal:5000', 'docker.io/library', 'quay.io/acme/base', 'mirror.acme.dev'];

function pod(uid: string, tag: string) {
  const containers = ['app', 'sidecar', 'metrics'].map((name) => ({ name, image: `ghcr.io/acme/${name}:${tag}` }));
  const request = parseAdmissionReview({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      name: 'web',
      namespace: 'team-a',
      operation: 'CREATE',
      userInfo: { username: 'alice' },
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers } },
    },
  });
  const images = extractImages({ kind: request.kind, object: request.object }).map((site) => ({
    site,
    ref: parseImageReference(site.image),
  }));
  return policyInput({ request, images });
}

async function main(): Promise<void> {
  const { bundle } = await shippedBundle({ entrypoint: ENTRYPOINT, note: () => undefined });
  const data = { imagegate: { config: { trusted_registries: TRUSTED } } };
  const policy = await loadRegoPolicy({ wasm: bundle.wasm, data });
  const keyer = reviewKeyer({ bundle: { ...bundle, data }, entrypoint: ENTRYPOINT, enabled: true });
  const cache = new VerdictCache({ maxEntries: 10_000, maxBytes: 16 << 20, maxTtlMs: 60_000, clock: performance });
  const evaluate = (input: unknown) =>
    verdictFromResult({ resultSet: policy.evaluate(input, ENTRYPOINT), entrypoint: ENTRYPOINT });
  const decide = (input: ReturnType<typeof pod>) => {
    const key = keyer.key(input, 'evidence@1');
    if (key === undefined) throw new Error('review not keyable');
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const verdict = evaluate(input);
    if (verdict.kind !== 'undecided') cache.set(key, verdict, Infinity);
    return verdict;
  };
  const sanity = evaluate(pod('s', 'v1'));
  if (sanity.kind !== 'allow') throw new Error(`sanity check: expected allow, got ${sanity.kind}`);
  console.log(`keyed on ${JSON.stringify(keyer.keying)}`);
  const reviews = Array.from({ length: 3_000 }, (_, i) => pod(`u${i}`, `v${i}`));
  const same = Array.from({ length: 3_000 }, (_, i) => pod(`same-${i}`, 'stable'));
  decide(pod('first', 'stable'));
  let m = 0;
  let h = 0;
  const baselineInput = pod('b', 'v1');
  const samples = [
    await measure('baseline: evaluation', () => evaluate(baselineInput), { runs: 1_000, warmup: 100 }),
    await measure(
      'miss: key, lookup, evaluation, store',
      () => decide(reviews[m++ % reviews.length] ?? baselineInput),
      {
        runs: 1_000,
        warmup: 100,
      },
    ),
  ];
  const before = cache.status();
  samples.push(
    await measure('hit: same review, fresh uid (key, lookup)', () => decide(same[h++ % same.length] ?? baselineInput), {
      runs: 2_000,
      warmup: 100,
    }),
    await measure('key alone (restrict, canonical JSON, sha256)', () => keyer.key(baselineInput, 'evidence@1'), {
      runs: 2_000,
      warmup: 100,
    }),
  );
  const after = cache.status();
  if (after.misses !== before.misses) throw new Error('a repeated review missed the cache');
  console.log(`cache after the run: ${JSON.stringify(after)}`);
  report('verdict cache, shipped policy, 3-container pod (this thread)', samples);
}

await main();
