import type { SummaryLimits, ValidateDeps } from '../admission/index.js';
import type { Config } from '../config/index.js';
import type { ReviewDeps } from './live.js';

/**
 * What /validate decides one review with, from the live set: the one place both the webhook
 * (app.ts) and `imagegate check` take it from, so a manifest checked in CI is judged with exactly
 * the deps, failure policy included, the webhook would use for the same config.
 */
export function validateDepsOf(deps: ReviewDeps): ValidateDeps {
  return {
    decider: deps.decider,
    failurePolicy: deps.config.admission.failurePolicy,
    ...(deps.gatherer === undefined ? {} : { gatherer: deps.gatherer }),
    ...(deps.namespaceLabels === undefined ? {} : { namespaceLabels: deps.namespaceLabels }),
    enforcement: deps.config.enforcement,
  };
}

/** How a review body is read (server.maxJsonDepth, admission.maxImages): the webhook's and `imagegate check`'s. */
export function summaryLimitsOf(config: Config): SummaryLimits {
  return { maxDepth: config.server.maxJsonDepth, maxImages: config.admission.maxImages };
}
