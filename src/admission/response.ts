import type { AdmissionRequest } from './review.js';
import type { AdmissionOutcome } from './outcome.js';
import { boundWarnings } from './messages.js';

export interface AdmissionReviewResponse {
  readonly apiVersion: AdmissionRequest['apiVersion'];
  readonly kind: 'AdmissionReview';
  readonly response: {
    readonly uid: string;
    readonly allowed: boolean;
    readonly status?: {
      readonly code: number;
      readonly reason: string;
      readonly message: string;
      readonly status: 'Failure';
    };
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
  return {
    apiVersion: request.apiVersion,
    kind: 'AdmissionReview',
    response: {
      uid: request.uid,
      ...decisionFields(outcome, opts.mutating),
      ...(warnings.length === 0 ? {} : { warnings }),
    },
  };
}

type DecisionFields = Pick<AdmissionReviewResponse['response'], 'allowed' | 'status' | 'patchType' | 'patch'>;

/** `allowed`, and the denial status or the patch, of one outcome kind. */
function decisionFields(outcome: AdmissionOutcome, mutating: boolean): DecisionFields {
  switch (outcome.kind) {
    case 'allowed':
      return mutating && outcome.patch !== undefined && outcome.patch.length > 0
        ? {
            allowed: true,
            patchType: 'JSONPatch',
            patch: Buffer.from(JSON.stringify(outcome.patch)).toString('base64'),
          }
        : { allowed: true };
    case 'skipped':
    case 'undecided-admitted':
      return { allowed: true };
    case 'denied':
    case 'undecided-denied':
      return { allowed: false, status: { ...outcome.status, status: 'Failure' } };
    default:
      return outcome satisfies never;
  }
}
