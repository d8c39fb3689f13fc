/**
 * The verdict cache (src/policy/verdict-cache.ts) on the shipped policy with ten trusted
 * prefixes, for a 3-container pod, through the real decider and one evaluator thread.
 * Baseline: the same review decided with the cache turned off (an evaluation on the thread).
 * Cases: a miss (a review never seen: key, evaluation, store), a hit (the same review with a
 * fresh uid: key and lookup only), and the key alone. Figures only, no assertions (a wrong
 * verdict or a hit that evaluated stops the run).
 */
import { createBundleDecider, DEFAULT_VERDICT_CACHE, policyInput, reviewKeyer } from '../src/policy/internal.js';
import { embeddedBundle } from '../src/policy/load.js';
import { parseAdmissionReview, extractImages } from '../src/admission/internal.js';
import { parseImageReference } from '../src/images/internal.js';
import { measure, report } from './harness.js';

const TRUSTED = ['ghcr.io/acme', 'registry.internal:5000', 'docker.io/library', 'quay.io/acme/base', 'mirror.acme.dev'];

function pod(uid: string, tag: string) {
  const containers = ['app', 'sidecar', 'metrics'].map((name) => ({ name, image: `ghcr.io/acme/${name}:${tag}` }));
  const body = {
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
  };
  const request = parseAdmissionReview(body);
  const images = extractImages({ kind: request.kind, object: request.object }).map((site) => ({
    site,
    ref: parseImageReference(site.image),
  }));
  return { request, images };
}

async function main(): Promise<void> {
  const { bundle } = await embeddedBundle('imagegate/decision');
  const withData = { ...bundle, data: { imagegate: { config: { trusted_registries: TRUSTED } } } };
  const common = { bundle: withData, entrypoint: 'imagegate/decision', source: 'policies', evaluators: 1 };
  const uncached = await createBundleDecider({ ...common, verdictCache: { ...DEFAULT_VERDICT_CACHE, maxEntries: 0 } });
  const cached = await createBundleDecider(common);
  const signal = new AbortController().signal;
  let n = 0;
  const sanity = await cached.decide({ ...pod('s', 'v1'), signal });
  if (sanity.kind !== 'allow') throw new Error(`sanity check: expected allow, got ${sanity.kind}`);
  const keyer = reviewKeyer({ bundle: withData, entrypoint: 'imagegate/decision', enabled: true });
  const input = policyInput(pod('k', 'v1'));
  const samples = [
    await measure('baseline: cache off (evaluation)', () => uncached.decide({ ...pod(`u${n++}`, 'v1'), signal }), {
      runs: 400,
      warmup: 50,
    }),
    await measure(
      'miss: new review (key, evaluation, store)',
      () => cached.decide({ ...pod(`u${n}`, `v${n++}`), signal }),
      {
        runs: 400,
        warmup: 50,
      },
    ),
  ];
  const evaluated = cached.status().evaluations;
  samples.push(
    await measure('hit: same review, fresh uid', () => cached.decide({ ...pod(`u${n++}`, 'v1'), signal }), {
      runs: 2_000,
      warmup: 100,
    }),
    await measure('key alone (restrict, canonical JSON, sha256)', () => keyer.key(input, undefined), {
      runs: 2_000,
      warmup: 100,
    }),
  );
  if (cached.status().evaluations !== evaluated) throw new Error('a hit evaluated the policy');
  console.log(`keying: ${JSON.stringify(cached.verdictKeying)}; cache ${JSON.stringify(cached.status().verdictCache)}`);
  report('verdict cache, shipped policy, 3-container pod, 1 evaluator thread', samples);
  await Promise.all([uncached.close(), cached.close()]);
}

await main();
