import { parseStrictJson } from './json.js';
import { parseAdmissionReview, type AdmissionRequest, type ParsedReview } from './review.js';
import { podSpecOf } from './extract.js';
import { sitesToReview, type SiteSelection } from './sites.js';
import { decodeUtf8Body } from './text.js';

/** The pod spec's references to credentials, for registries that need them. */
export interface PullRefs {
  /** Names of the pod spec's imagePullSecrets, in order. */
  readonly imagePullSecrets: readonly string[];
  /** The pod spec's serviceAccountName, when set and not empty. */
  readonly serviceAccountName?: string;
}

/**
 * Everything validate and mutate need from one AdmissionReview body: the request's metadata,
 * the image sites to decide (already narrowed to new or changed ones for UPDATE and capped at
 * admission.maxImages) and, for those, the pod's pull references. Plain data and small compared
 * with the body: it is what the parser thread sends back instead of the parsed object.
 */
export interface ReviewSummary {
  readonly request: AdmissionRequest;
  readonly selection: SiteSelection;
  /** Present exactly when `selection.kind` is `review`. */
  readonly pull?: PullRefs;
}

export interface SummaryLimits {
  /** Deeper JSON nesting is malformed (server.maxJsonDepth). */
  readonly maxDepth: number;
  /** More new or changed images than this are rejected (admission.maxImages). */
  readonly maxImages: number;
}

/**
 * Decodes (strict UTF-8), parses (strict JSON: no duplicate keys, bounded depth), checks the
 * AdmissionReview and reads its images. Synchronous and CPU-bound: small bodies run it inline,
 * large ones in the parser thread (intake.ts), with the same result. Throws ImagegateError
 * (IMAGEGATE_REQUEST_NOT_UTF8, IMAGEGATE_REQUEST_MALFORMED) for a body that is not a review.
 */
export function summariseReview(opts: { readonly bytes: Uint8Array; readonly limits: SummaryLimits }): ReviewSummary {
  const text = decodeUtf8Body(opts.bytes);
  const review = parseAdmissionReview(parseStrictJson({ text, maxDepth: opts.limits.maxDepth }));
  const selection = sitesToReview({ review, maxImages: opts.limits.maxImages });
  const request = metadataOf(review);
  return selection.kind === 'review' ? { request, selection, pull: pullRefs(review) } : { request, selection };
}

/** A copy without the objects, so that they are not kept (or cloned across threads). */
function metadataOf(review: ParsedReview): AdmissionRequest {
  const { object: _object, oldObject: _oldObject, ...request } = review;
  return request;
}

/** Only called once the object's images were read, so its pod spec exists. */
function pullRefs(review: ParsedReview): PullRefs {
  const spec = podSpecOf({ kind: review.kind, object: review.object });
  const secrets = Array.isArray(spec.imagePullSecrets) ? spec.imagePullSecrets : [];
  const imagePullSecrets = secrets.flatMap((s: unknown) =>
    typeof s === 'object' && s !== null && 'name' in s && typeof s.name === 'string' ? [s.name] : [],
  );
  const account = spec.serviceAccountName;
  return {
    imagePullSecrets,
    ...(typeof account === 'string' && account !== '' ? { serviceAccountName: account } : {}),
  };
}
