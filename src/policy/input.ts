import type { AdmissionRequest, ImageFacts, ImageUnderReview, NamespaceLabels } from '../admission/index.js';

/**
 * The document a policy sees as `input`. It is imagegate's contract with policy authors
 * (README "Writing policies"): fields are only ever added.
 */
export interface PolicyInput {
  readonly request: {
    readonly uid: string;
    readonly operation: string;
    readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
    readonly namespace: string;
    readonly name: string;
    readonly subResource: string;
    readonly dryRun: boolean;
    readonly userInfo: { readonly username: string };
    /** The namespace's labels, when admission.namespaceLabels is enabled and they could be read. */
    readonly namespaceLabels?: Readonly<Record<string, string>>;
    /** When admission.namespaceLabels is enabled and they could not be read: why (never both fields). */
    readonly namespaceLabelsError?: { readonly code: string; readonly message: string };
  };
  readonly images: readonly PolicyImage[];
}

export interface PolicyImage {
  readonly container: string;
  /** containers, initContainers or ephemeralContainers. */
  readonly field: string;
  /** JSON pointer to the image field in the object. */
  readonly pointer: string;
  /** The image string as the object has it. */
  readonly image: string;
  readonly reference: {
    /** Registry host as normalised by the parser (docker.io for Docker Hub). */
    readonly registry: string;
    /** Path below the registry, e.g. library/nginx. */
    readonly path: string;
    /** registry/path with the registry lowercased, e.g. docker.io/library/nginx. */
    readonly repository: string;
    /** Absent when the image names only a digest. */
    readonly tag?: string;
    /** Absent when the image is not pinned. */
    readonly digest?: string;
    readonly canonical: string;
  };
  /**
   * The digest judged: the one the image carries, else the one its tag resolved to (the digest
   * `/mutate` pins). Absent when it could not be resolved (see digestError) or no facts stage runs.
   */
  readonly digest?: string;
  /** The tag `digest` was resolved from; absent when the image carries its digest. */
  readonly resolvedFrom?: string;
  /** Why no digest could be had (untrusted registry, not found, timeout, …); absent otherwise. */
  readonly digestError?: { readonly code: string; readonly message: string };
  /** Every fact source's answer for `digest`, by source name: a value, or `{ error: { code, message } }`. */
  readonly facts?: Readonly<Record<string, unknown>>;
}

export function policyInput(opts: {
  readonly request: AdmissionRequest;
  readonly images: readonly ImageUnderReview[];
  readonly namespaceLabels?: NamespaceLabels | undefined;
}): PolicyInput {
  const r = opts.request;
  return {
    request: {
      uid: r.uid,
      operation: r.operation,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      subResource: r.subResource,
      dryRun: r.dryRun,
      userInfo: { username: r.username },
      ...namespaceFields(opts.namespaceLabels),
    },
    images: opts.images.map(({ site, ref, facts }) => ({
      container: site.container,
      field: site.field,
      pointer: site.pointer,
      image: site.image,
      reference: {
        registry: ref.domain.toLowerCase(),
        path: ref.path,
        repository: `${ref.domain.toLowerCase()}/${ref.path}`,
        ...(ref.tag === undefined ? {} : { tag: ref.tag }),
        ...(ref.digest === undefined ? {} : { digest: ref.digest }),
        canonical: ref.canonical,
      },
      ...(facts === undefined ? {} : evidence(facts)),
    })),
  };
}

/** The facts stage's findings in the input's terms: nothing keyed by tag, everything by `digest`. */
function evidence(f: ImageFacts): Pick<PolicyImage, 'digest' | 'resolvedFrom' | 'digestError' | 'facts'> {
  return {
    ...(f.digest === undefined ? {} : { digest: f.digest }),
    ...(f.resolvedFrom === undefined ? {} : { resolvedFrom: f.resolvedFrom }),
    ...(f.resolutionError === undefined ? {} : { digestError: f.resolutionError }),
    facts: f.facts,
  };
}

function namespaceFields(
  labels: NamespaceLabels | undefined,
): Pick<PolicyInput['request'], 'namespaceLabels' | 'namespaceLabelsError'> {
  if (labels === undefined) return {};
  switch (labels.kind) {
    case 'labels':
      return { namespaceLabels: labels.labels };
    case 'error':
      return { namespaceLabelsError: { code: labels.error.code, message: labels.error.message } };
    default:
      return labels satisfies never;
  }
}
