import { parseDigest, type Digest } from '../images/index.js';
import { isRecord } from '../guards/index.js';
import { problem } from './errors.js';
import { declaredMediaType, manifestDocument } from './manifest.js';

/** An OCI content descriptor, as manifests, indexes and the referrers API list them. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  /** Bytes, as the descriptor declares them (checked when the blob is read). */
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A manifest or index read by the artifact reader (signature, attestation or referrers index). */
export interface ArtifactManifest {
  /** The digest of the bytes received (for a digest request: equal to it, or the read failed). */
  readonly digest: Digest;
  readonly mediaType: string;
  /** The manifest's artifactType, else its config's mediaType (as the referrers API reports it). */
  readonly artifactType?: string;
  /** Image manifest: its layers; index: none. */
  readonly layers: readonly Descriptor[];
  /** Index: its manifests; image manifest: none. */
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The longest annotation value read (characters); a longer one is a protocol failure, never held. */
const MAX_ANNOTATION_CHARS = 256 * 1024;

function annotationsOf(v: unknown, where: string): Readonly<Record<string, string>> {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw problem('protocol', `${where}: annotations are not an object`);
  const entries: [string, string][] = [];
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string' || value.length > MAX_ANNOTATION_CHARS)
      throw problem(
        'protocol',
        `${where}: annotation values must be strings of at most ${MAX_ANNOTATION_CHARS} characters`,
      );
    entries.push([k, value]);
  }
  // fromEntries defines own properties: a "__proto__" key stays a key, never a prototype.
  return Object.fromEntries(entries);
}

/** Reads one descriptor; anything malformed is a protocol problem naming where it was. */
export function descriptorOf(v: unknown, where: string): Descriptor {
  if (!isRecord(v) || typeof v.mediaType !== 'string' || typeof v.digest !== 'string')
    throw problem('protocol', `${where} has no mediaType or digest`);
  const size = v.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw problem('protocol', `${where} has no valid size`);
  let digest: Digest;
  try {
    digest = parseDigest(v.digest);
  } catch {
    throw problem('protocol', `${where} has an invalid digest`);
  }
  const annotations = annotationsOf(v.annotations, where);
  const base = { mediaType: v.mediaType, digest, size, annotations };
  return typeof v.artifactType === 'string' ? { ...base, artifactType: v.artifactType } : base;
}

function listOf(v: unknown, where: string, max: number): Descriptor[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw problem('protocol', `${where} is not a list`);
  if (v.length > max) throw problem('limitExceeded', `${where} lists ${v.length} entries, over the limit of ${max}`);
  return v.map((d: unknown, i) => descriptorOf(d, `${where}[${i}]`));
}

/**
 * Parses a manifest or index body. `maxEntries` bounds its layers or manifests: a signature
 * artifact with a million layers is refused before any of them is read.
 */
export function parseArtifact(opts: {
  readonly body: Buffer;
  readonly digest: Digest;
  readonly contentType: string | undefined;
  readonly maxEntries: number;
}): ArtifactManifest {
  const doc = manifestDocument(opts.body);
  const mediaType = declaredMediaType(doc, opts.contentType) ?? 'application/vnd.oci.image.manifest.v1+json';
  const config = isRecord(doc.config) && typeof doc.config.mediaType === 'string' ? doc.config.mediaType : undefined;
  const artifactType = typeof doc.artifactType === 'string' ? doc.artifactType : config;
  const subject = doc.subject === undefined ? undefined : descriptorOf(doc.subject, 'subject');
  return {
    digest: opts.digest,
    mediaType,
    ...(artifactType === undefined ? {} : { artifactType }),
    layers: listOf(doc.layers, 'layers', opts.maxEntries),
    manifests: listOf(doc.manifests, 'manifests', opts.maxEntries),
    ...(subject === undefined ? {} : { subject }),
    annotations: annotationsOf(doc.annotations, 'manifest'),
  };
}
