import type { Digest } from '../images/index.js';
import { digestTag, type ArtifactReader, type ArtifactTarget, type Descriptor } from '../registry/index.js';
import { ImagegateError } from '../errors/index.js';
import type { CosignLayer } from './types.js';

export const ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
} as const;
export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const BUNDLE_TYPES: ReadonlySet<string> = new Set([
  BUNDLE_V03,
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
]);

/** Something that may vouch for the digest, with where it was found (for messages). */
export type Candidate =
  | { readonly kind: 'layer'; readonly from: string; readonly layer: CosignLayer }
  | { readonly kind: 'bundle'; readonly from: string; readonly bundle: Uint8Array };

export interface Limits {
  readonly maxSignatures: number;
  readonly maxReferrers: number;
  readonly maxPayloadBytes: number;
}

export interface DiscoverOptions {
  readonly reader: ArtifactReader;
  /** Where signatures are stored: the image's repository or the policy's signaturesRepository. */
  readonly repository: string;
  readonly digest: Digest;
  readonly limits: Limits;
  /** The deadline and pull secrets of the review; the repository is set per read. */
  readonly target: Omit<ArtifactTarget, 'repository'>;
}

function tooMany(found: number, o: DiscoverOptions): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_SIGNATURES_LIMIT_EXCEEDED',
    `${found} signatures and attestations are stored for ${o.digest} in ${o.repository}, over signatures.limits.maxSignatures = ${o.limits.maxSignatures}: remove stale signatures (cosign clean) or raise the limit`,
  );
}

function layerOf(d: Descriptor, payload: Uint8Array): CosignLayer {
  const a = d.annotations;
  return {
    mediaType: d.mediaType,
    payload,
    signature: a[ANNOTATIONS.signature] ?? '',
    ...(a[ANNOTATIONS.certificate] === undefined ? {} : { certificate: a[ANNOTATIONS.certificate] }),
    ...(a[ANNOTATIONS.chain] === undefined ? {} : { chain: a[ANNOTATIONS.chain] }),
    ...(a[ANNOTATIONS.bundle] === undefined ? {} : { rekorBundle: a[ANNOTATIONS.bundle] }),
  };
}

/** The layers of cosign's `.sig` or `.att` tag of the digest; none when the tag does not exist. */
async function tagLayers(o: DiscoverOptions, suffix: '.sig' | '.att'): Promise<{ from: string; d: Descriptor }[]> {
  const tag = digestTag(o.digest, suffix);
  const m = await o.reader.manifest({
    ...o.target,
    repository: o.repository,
    reference: tag,
    // Parsed past maxSignatures, so that more than it is reported as such (below), not as a registry limit.
    maxEntries: Math.max(o.limits.maxSignatures + 1, o.limits.maxReferrers),
  });
  return (m?.layers ?? []).map((d, i) => ({ from: `${tag} layer ${i}`, d }));
}

/** Sigstore bundles attached as OCI 1.1 referrers (cosign 3): each referrer's bundle layers. */
async function bundleLayers(o: DiscoverOptions): Promise<{ from: string; d: Descriptor }[]> {
  const referrers = await o.reader.referrers({
    ...o.target,
    repository: o.repository,
    digest: o.digest,
    artifactType: BUNDLE_V03,
    maxEntries: o.limits.maxReferrers,
  });
  if (referrers.length > o.limits.maxSignatures) throw tooMany(referrers.length, o);
  const manifests = await Promise.all(
    referrers.map((r) =>
      o.reader.manifest({ ...o.target, repository: o.repository, reference: r.digest, maxEntries: 4 }),
    ),
  );
  return manifests.flatMap((m, i) =>
    (m?.layers ?? [])
      .filter((d) => BUNDLE_TYPES.has(d.mediaType))
      .map((d) => ({ from: `referrer ${referrers[i]?.digest ?? '?'}`, d })),
  );
}

/**
 * Finds every stored signature and attestation of `digest` the ways cosign stores them: the
 * `sha256-<hex>.sig` and `.att` tags and Sigstore bundle referrers, read concurrently (one round
 * trip each, then the payload blobs, concurrently). At most maxSignatures candidates and
 * maxPayloadBytes per payload: more is a failure, never a silent cut.
 * @throws ImagegateError registry failures, IMAGEGATE_SIGNATURES_LIMIT_EXCEEDED
 */
export async function discover(o: DiscoverOptions): Promise<readonly Candidate[]> {
  const [sig, att, bundles] = await Promise.all([tagLayers(o, '.sig'), tagLayers(o, '.att'), bundleLayers(o)]);
  const found = [...sig, ...att, ...bundles];
  if (found.length > o.limits.maxSignatures) throw tooMany(found.length, o);
  const bundleSet = new Set(bundles);
  return Promise.all(
    found.map(async (f): Promise<Candidate> => {
      const bytes = await o.reader.blob({
        ...o.target,
        repository: o.repository,
        digest: f.d.digest,
        maxBytes: o.limits.maxPayloadBytes,
      });
      return bundleSet.has(f)
        ? { kind: 'bundle', from: f.from, bundle: bytes }
        : { kind: 'layer', from: f.from, layer: layerOf(f.d, bytes) };
    }),
  );
}
