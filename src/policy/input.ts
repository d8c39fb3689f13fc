import type { AdmissionRequest, ImageUnderReview } from '../admission/index.js';

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
  /** The digest judged: the image's own, or the one its tag resolved to (absent when unresolved or not looked up). */
  readonly digest?: string;
  /** The tag `digest` was resolved from; absent when the image carried its digest. */
  readonly resolvedFrom?: string;
  /** Per fact source: its value for `digest`, or `{error: {code, message}}`. */
  readonly facts?: Readonly<Record<string, unknown>>;
}

export function policyInput(opts: {
  readonly request: AdmissionRequest;
  readonly images: readonly ImageUnderReview[];
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
      ...(facts?.digest === undefined ? {} : { digest: facts.digest }),
      ...(facts?.resolvedFrom === undefined ? {} : { resolvedFrom: facts.resolvedFrom }),
      ...(facts === undefined ? {} : { facts: facts.facts }),
    })),
  };
}
