import type { ErrorCode, ImagegateError } from '../errors/index.js';
import type { ImageRef } from '../images/index.js';
import type { AdmissionRequest } from './review.js';
import type { ImageSite } from './extract.js';

/** What the facts stage learned about one image; everything keyed by the digest judged. */
export interface ImageFacts {
  /** The digest judged: written in the image, or what its tag resolved to; absent if unresolved. */
  readonly digest?: string;
  /** The tag the digest was resolved from; absent when the image carried its digest. */
  readonly resolvedFrom?: string;
  /** Present only when no digest could be had: the resolution failure. */
  readonly resolutionError?: { readonly code: ErrorCode; readonly message: string };
  /** One entry per configured fact source, by source name: its value, or { error: { code, message } }. */
  readonly facts: Readonly<Record<string, unknown>>;
  /** Clock time (ms, the injected Clock of src/cache) from which some of this evidence is stale (valid strictly before); Infinity if none. */
  readonly validUntil: number;
}

/** An image that parsed, at the place it was found, and what the facts stage learned about it. */
export interface ImageUnderReview {
  readonly site: ImageSite;
  readonly ref: ImageRef;
  readonly facts?: ImageFacts;
}

/** Why one container's image is refused; every field is shown to the developer. */
export interface Violation {
  readonly container: string;
  readonly image: string;
  /** The rule's stable name, e.g. "trusted-registries". */
  readonly rule: string;
  readonly message: string;
  /** What to change so the image is admitted ("" when the rule gives no advice). */
  readonly fix: string;
  /**
   * The JSON pointer of the image site (`input.images[_].pointer`) the violation is about, when
   * the policy gives it; otherwise it is matched by container name and image (messages.ts).
   */
  readonly pointer?: string;
}

/**
 * The outcome of one policy decision. `undecided` is not a deny and not an allow: the caller
 * applies the configured failure policy to it, so no path turns a missing decision into an allow.
 */
export type Verdict =
  | { readonly kind: 'allow'; readonly warnings: readonly string[] }
  | { readonly kind: 'deny'; readonly violations: readonly Violation[]; readonly warnings: readonly string[] }
  | { readonly kind: 'undecided'; readonly error: ImagegateError };

/** Decides the parsed images of one request. Implemented by the policy room. */
export interface Decider {
  decide(opts: {
    readonly request: AdmissionRequest;
    readonly images: readonly ImageUnderReview[];
    readonly signal: AbortSignal;
    /** The fact sources' revisions joined (FactGatherer.revision), when facts were gathered: part of a cache key. */
    readonly evidenceRevision?: string;
    /** Present when admission.namespaceLabels is enabled: the labels, or why they could not be read. */
    readonly namespaceLabels?: NamespaceLabels;
  }): Promise<Verdict>;
}

/**
 * The labels of the request's namespace as the policy sees them, or the failure that kept them
 * from it (a policy must never mistake "could not read" for "no labels").
 */
export type NamespaceLabels =
  | { readonly kind: 'labels'; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: 'error'; readonly error: { readonly code: ErrorCode; readonly message: string } };

/** Reads one namespace's labels; resolves with a failure rather than throwing. Implemented by the kube room. */
export interface NamespaceLabelsReader {
  read(opts: { readonly namespace: string; readonly signal: AbortSignal }): Promise<NamespaceLabels>;
}

/**
 * One image's tag resolution. `unresolved` keeps the failure's catalogued code (e.g.
 * IMAGEGATE_REGISTRY_TIMEOUT) for the decision log and metrics; `reason` is the readable
 * message for the developer's warning.
 */
export type PinOutcome =
  | { readonly kind: 'pinned'; readonly image: string }
  | { readonly kind: 'unresolved'; readonly code: ErrorCode; readonly reason: string };

/** Whose images these are: lets the resolver use the pod's pull secrets. */
export interface PinContext {
  readonly namespace: string;
  /** Names of the pod spec's imagePullSecrets, in order. */
  readonly imagePullSecrets: readonly string[];
  /** The pod spec's serviceAccountName; absent means `default`. */
  readonly serviceAccountName?: string;
}

/** Resolves tagged images to digests; one outcome per image, same order. Implemented by the registry room. */
export interface Pinner {
  pin(opts: {
    readonly images: readonly ImageRef[];
    readonly signal: AbortSignal;
    readonly context?: PinContext;
  }): Promise<readonly PinOutcome[]>;
}

/**
 * The facts stage between parsing and deciding: for each image the digest to judge (written, or
 * resolved through the Pinner's own resolver and cache) and every fact source's answer for it.
 * One ImageFacts per image, same order; never rejects for an image's sake (failures are values).
 * Implemented by the facts room.
 */
export interface FactGatherer {
  /** Every fact source's name and revision, joined: changes whenever any source's answers may. */
  readonly revision: string;
  gather(opts: {
    readonly images: readonly ImageRef[];
    readonly signal: AbortSignal;
    readonly context?: PinContext;
  }): Promise<readonly ImageFacts[]>;
}
