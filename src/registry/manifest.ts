import { createHash } from 'node:crypto';
import { parseDigest, type Digest } from '../images/index.js';
import { problem, safeToken } from './errors.js';
import { isRecord } from '../guards/index.js';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/**
 * Sent on every manifest request. distribution 2.8 answers 404 for an OCI manifest when its type
 * is missing, and converts Docker v2 to schema1 (another digest) when Accept is empty.
 */
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const IMAGE_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** One manifest an index lists. */
export interface PlatformManifest {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly platform?: Platform;
}

export type ParsedManifest =
  | { readonly kind: 'image'; readonly mediaType: string }
  | { readonly kind: 'index'; readonly mediaType: string; readonly manifests: readonly PlatformManifest[] };

/** The digest of `bytes` with the algorithm `like` names (sha256 when absent). */
export function digestOf(bytes: Buffer, like?: Digest): Digest {
  const algorithm = like?.startsWith('sha512:') === true ? 'sha512' : 'sha256';
  return parseDigest(`${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`);
}

function platformOf(v: unknown): Platform | undefined {
  if (!isRecord(v)) return undefined;
  const { os, architecture, variant } = v;
  if (typeof os !== 'string' || typeof architecture !== 'string') return undefined;
  return typeof variant === 'string' ? { os, architecture, variant } : { os, architecture };
}

function entryOf(v: unknown, at: number): PlatformManifest {
  if (!isRecord(v) || typeof v.digest !== 'string' || typeof v.mediaType !== 'string') {
    throw problem('protocol', `index entry ${at} has no digest or mediaType`);
  }
  let digest: Digest;
  try {
    digest = parseDigest(v.digest);
  } catch {
    throw problem('protocol', `index entry ${at} has an invalid digest`);
  }
  const platform = platformOf(v.platform);
  return platform === undefined ? { digest, mediaType: v.mediaType } : { digest, mediaType: v.mediaType, platform };
}

/** A manifest or index body as a JSON object. @throws RegistryProblem protocol */
export function manifestDocument(body: Buffer): Readonly<Record<string, unknown>> {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw problem('protocol', 'the manifest is not JSON');
  }
  if (!isRecord(doc)) throw problem('protocol', 'the manifest is not a JSON object');
  return doc;
}

/** The body's own mediaType, else the Content-Type header's (parameters dropped); undefined if neither. */
export function declaredMediaType(
  doc: Readonly<Record<string, unknown>>,
  contentType: string | undefined,
): string | undefined {
  return typeof doc.mediaType === 'string' ? doc.mediaType : contentType?.split(';')[0]?.trim();
}

/**
 * Reads the kind and children of a manifest. The type comes from the body's mediaType, else the
 * Content-Type header; an index with more than `maxEntries` entries is refused.
 */
export function parseManifest(opts: {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly maxEntries: number;
}): ParsedManifest {
  const doc = manifestDocument(opts.body);
  const declared = declaredMediaType(doc, opts.contentType);
  const mediaType = declared ?? (Array.isArray(doc.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
  if (IMAGE_TYPES.has(mediaType)) return { kind: 'image', mediaType };
  if (!INDEX_TYPES.has(mediaType)) throw problem('protocol', `unsupported manifest media type ${safeToken(mediaType)}`);
  const list = doc.manifests;
  if (!Array.isArray(list)) throw problem('protocol', 'the index has no manifests list');
  if (list.length > opts.maxEntries) {
    throw problem('limitExceeded', `the index lists ${list.length} manifests, over the limit of ${opts.maxEntries}`);
  }
  return { kind: 'index', mediaType, manifests: list.map((e: unknown, i) => entryOf(e, i)) };
}
