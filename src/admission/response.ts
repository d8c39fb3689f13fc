import type { AdmissionRequest } from './review.js';
import type { AdmissionOutcome } from './outcome.js';
import { boundWarnings } from './messages.js';

export interface AdmissionReviewResponse {
  readonly apiVersion: AdmissionRequest['apiVersion'];
  readonly kind: 'AdmissionReview';
  readonly response: {
    readonly uid: string;
    readonly allowed: boolean;
    readonly status?: { readonly code: number; readonly reason: string; readonly message: string; readonly status: 'Failure' };
    readonly warnings?: readonly string[];
    readonly patchType?: 'JSONPatch';
    readonly patch?: string;
  };
}

/**
 * Writes an outcome in the request's own AdmissionReview version, with its uid unchanged.
 * A patch is only written when `mutating` is true and the outcome has one: validating
 * responses never carry patchType/patch.
 */
export function toReviewResponse(opts: {
  readonly request: AdmissionRequest;
  readonly outcome: AdmissionOutcome;
  readonly mutating: boolean;
}): AdmissionReviewResponse {
  const { request, outcome } = opts;
  const warnings = boundWarnings(outcome.warnings);
  const patch = opts.mutating && outcome.patch !== undefined && outcome.patch.length > 0
    ? { patchType: 'JSONPatch' as const, patch: Buffer.from(JSON.stringify(outcome.patch)).toString('base64') }
    : {};
  return {
    apiVersion: request.apiVersion,
    kind: 'AdmissionReview',
    response: {
      uid: request.uid,
      allowed: outcome.allowed,
      ...(outcome.status === undefined ? {} : { status: { ...outcome.status, status: 'Failure' as const } }),
      ...(warnings.length === 0 ? {} : { warnings }),
      ...patch,
    },
  };
}
