import type { PinContext } from './ports.js';
import type { ReviewSummary } from './summary.js';

/**
 * Whose images these are: the pod's namespace, pull secrets and service account, so registries
 * that need credentials are asked with the pod's own, by `/mutate` and `/validate` alike.
 * Undefined for cluster-scoped requests and when the review selected no images.
 */
export function pinContext(summary: ReviewSummary): PinContext | undefined {
  const { namespace } = summary.request;
  if (namespace === '' || summary.pull === undefined) return undefined;
  return { namespace, ...summary.pull };
}
