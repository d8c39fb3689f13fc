import { parseDigest, type Digest } from '../images/index.js';
import { authedGet, check, hintOf, type AuthedTarget } from './client.js';
import { parseArtifact, type ArtifactManifest, type Descriptor } from './descriptors.js';
import { problem } from './errors.js';
import { header } from './http.js';
import { MEDIA_TYPES, digestOf } from './manifest.js';
import type { PullCredentialsSource } from './resolver.js';

/** Accept header of artifact manifests: images, indexes and OCI 1.1 artifact manifests. */
export const ARTIFACT_ACCEPT = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifest].join(', ');

/** Where and as whom one artifact request goes; `repository` is `host[:port]/path` as images name it. */
export interface ArtifactTarget {
  readonly repository: string;
  readonly signal: AbortSignal;
  /** The review's pull secrets, for registries whose config entry has no credentials. */
  readonly pullCredentials?: PullCredentialsSource;
}

/**
 * Runs `work` against the registry of `target.repository` with the resolver's hosts, credentials,
 * limits and SSRF guard; throws IMAGEGATE_REGISTRY_UNTRUSTED without any I/O for a host not in
 * registries.hosts, and every failure as the registry room's ImagegateError naming the repository.
 */
export type ArtifactSession = <T>(target: ArtifactTarget, work: (t: AuthedTarget) => Promise<T>) => Promise<T>;

/**
 * Reads signature artifacts (cosign `.sig`/`.att` tags, OCI 1.1 referrers, their blobs) from
 * trusted registries only. Every read is bounded: manifests by registries.maxManifestBytes,
 * entries by `maxEntries`, blobs by `maxBytes` and verified against their digest.
 */
export interface ArtifactReader {
  /** A manifest or index by tag or digest; undefined when the registry answers 404 (no such artifact). */
  manifest(
    opts: ArtifactTarget & { readonly reference: string; readonly maxEntries: number },
  ): Promise<ArtifactManifest | undefined>;
  /**
   * What refers to `digest` (OCI 1.1): the referrers API, or, when the registry has none (404),
   * the tag schema fallback `sha256-<hex>` holding an index. Filtered by `artifactType` here
   * whatever the registry applied; more than `maxEntries` referrers is a limit failure.
   */
  referrers(
    opts: ArtifactTarget & { readonly digest: Digest; readonly artifactType?: string; readonly maxEntries: number },
  ): Promise<readonly Descriptor[]>;
  /** A blob's bytes, refused past `maxBytes` and unless they hash to `digest`. */
  blob(opts: ArtifactTarget & { readonly digest: Digest; readonly maxBytes: number }): Promise<Buffer>;
}

async function readManifest(
  t: AuthedTarget,
  opts: { readonly reference: string; readonly maxEntries: number; readonly maxBytes: number },
): Promise<ArtifactManifest | undefined> {
  const url = new URL(`${t.ctx.settings.origin}/v2/${t.path}/manifests/${opts.reference}`);
  const reply = await authedGet(t, { url, accept: ARTIFACT_ACCEPT, maxBytes: opts.maxBytes });
  if (reply.status === 404) return undefined;
  check(reply, `manifest ${opts.reference}`);
  const wanted = opts.reference.includes(':') ? parseDigest(opts.reference) : undefined;
  const digest = digestOf(reply.body, wanted ?? hintOf(reply));
  // Content addressing: bytes served for a digest must hash to it, or a registry could swap a signature.
  if (wanted !== undefined && digest !== wanted)
    throw problem('digestMismatch', `the manifest served for ${wanted} hashes to ${digest}`);
  return parseArtifact({
    body: reply.body,
    digest,
    contentType: header(reply.headers, 'content-type'),
    maxEntries: opts.maxEntries,
  });
}

/** The cosign / OCI tag naming artifacts of `digest`: `sha256-<hex>` plus a suffix. */
export function digestTag(digest: Digest, suffix = ''): string {
  return `${digest.replace(':', '-')}${suffix}`;
}

export function createArtifactReader(opts: {
  readonly session: ArtifactSession;
  readonly maxManifestBytes: number;
}): ArtifactReader {
  const { session, maxManifestBytes } = opts;
  const manifestIn = (t: AuthedTarget, reference: string, maxEntries: number) =>
    readManifest(t, { reference, maxEntries, maxBytes: maxManifestBytes });
  return {
    manifest: (o) => session(o, (t) => manifestIn(t, o.reference, o.maxEntries)),
    referrers: (o) =>
      session(o, async (t) => {
        const url = new URL(`${t.ctx.settings.origin}/v2/${t.path}/referrers/${o.digest}`);
        if (o.artifactType !== undefined) url.searchParams.set('artifactType', o.artifactType);
        const reply = await authedGet(t, { url, accept: MEDIA_TYPES.ociIndex, maxBytes: maxManifestBytes });
        let listed: readonly Descriptor[];
        if (reply.status === 404) {
          listed = (await manifestIn(t, digestTag(o.digest), o.maxEntries))?.manifests ?? [];
        } else {
          check(reply, `referrers of ${o.digest}`);
          listed = parseArtifact({
            body: reply.body,
            digest: digestOf(reply.body),
            contentType: MEDIA_TYPES.ociIndex,
            maxEntries: o.maxEntries,
          }).manifests;
        }
        return o.artifactType === undefined ? listed : listed.filter((d) => d.artifactType === o.artifactType);
      }),
    blob: (o) =>
      session(o, async (t) => {
        const url = new URL(`${t.ctx.settings.origin}/v2/${t.path}/blobs/${o.digest}`);
        const reply = await authedGet(t, { url, accept: '*/*', maxBytes: o.maxBytes });
        check(reply, `blob ${o.digest}`);
        const got = digestOf(reply.body, o.digest);
        if (got !== o.digest) throw problem('digestMismatch', `the blob served for ${o.digest} hashes to ${got}`);
        return reply.body;
      }),
  };
}
