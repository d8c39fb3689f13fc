/**
 * Policy evaluation time per review, in-process: the shipped bundle (policies/, compiled as
 * `imagegate serve` compiles it) evaluated by the stock opa-wasm SDK on the exact input /validate
 * builds for the benchmark's 3-container Deployment (body summarised, references parsed,
 * policyInput). No thread hop, no clone: the policy's own cost.
 */
import { DEFAULT_ENTRYPOINT } from '../../src/policy/index.js';
import { shippedBundle } from '../../src/policy/internal.js';
import { policyInput, verdictFromResult } from '../../src/policy/internal.js';
import { summariseReview } from '../../src/admission/internal.js';
import { parseImageReference } from '../../src/images/internal.js';
import { loadRegoPolicy } from '../../src/rego/index.js';
import { measure, type Sample } from '../harness.js';

export async function policyEvaluation(opts: {
  readonly body: string;
  readonly trustedRegistries: readonly string[];
}): Promise<Sample> {
  const { bundle } = await shippedBundle({ entrypoint: DEFAULT_ENTRYPOINT, note: () => undefined });
  const data = { imagegate: { config: { trusted_registries: opts.trustedRegistries } } };
  const policy = await loadRegoPolicy({ wasm: bundle.wasm, data });
  const summary = summariseReview({
    bytes: Buffer.from(opts.body, 'utf8'),
    limits: { maxDepth: 512, maxImages: 1000 },
  });
  if (summary.selection.kind !== 'review')
    throw new Error(`the review has nothing to decide: ${summary.selection.kind}`);
  const images = summary.selection.sites.map((site) => ({ site, ref: parseImageReference(site.image) }));
  const input = policyInput({ request: summary.request, images });
  const verdict = verdictFromResult({
    resultSet: policy.evaluate(input, DEFAULT_ENTRYPOINT),
    entrypoint: DEFAULT_ENTRYPOINT,
  });
  if (verdict.kind !== 'allow' || images.length !== 3)
    throw new Error(`sanity: expected an allow for 3 images, got ${verdict.kind} for ${images.length}`);
  return measure(
    `policy evaluation, ${images.length}-container pod (in-process)`,
    () => policy.evaluate(input, DEFAULT_ENTRYPOINT),
    { runs: 3_000, warmup: 300 },
  );
}
