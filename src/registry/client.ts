import { parseDigest, type Digest } from '../images/index.js';
import { problem } from './errors.js';
import { pullScope, type RegistryAuth } from './auth.js';
import type { Credentials } from './credentials.js';
import { header, type LookupContext, type Reply } from './http.js';
import { MANIFEST_ACCEPT, digestOf, parseManifest, type PlatformManifest } from './manifest.js';
import { sendWithRetry } from './retry.js';

/** What a tag points to now. */
export interface Resolution {
  /** The digest of the manifest or index the tag names, computed from the bytes received. */
  readonly digest: Digest;
  readonly mediaType: string;
  /** For an index: its platform manifests (digest, platform), for checks after pinning. */
  readonly manifests: readonly PlatformManifest[];
}

export interface ManifestRequest {
  readonly ctx: LookupContext;
  readonly auth: RegistryAuth;
  readonly credentials: Credentials | undefined;
  /** Repository path on the registry, e.g. team/app. */
  readonly path: string;
  readonly tag: string;
  readonly maxManifestBytes: number;
  readonly maxIndexEntries: number;
}

function manifestUrl(r: ManifestRequest, reference: string): URL {
  return new URL(`${r.ctx.settings.origin}/v2/${r.path}/manifests/${reference}`);
}

/** A request that authenticates once when challenged. */
async function authed(r: ManifestRequest, method: 'GET' | 'HEAD', url: URL): Promise<Reply> {
  const scope = pullScope(r.path);
  const ex = { method, url, headers: { accept: MANIFEST_ACCEPT }, maxBytes: r.maxManifestBytes };
  const first = r.auth.cached(r.ctx, scope, r.credentials);
  const reply = await sendWithRetry(r.ctx, first === undefined ? ex : { ...ex, authorization: first });
  if (reply.status !== 401) return reply;
  const { authorization, withheldFrom } = await r.auth.answer(
    r.ctx,
    header(reply.headers, 'www-authenticate'),
    scope,
    r.credentials,
  );
  const retried = await sendWithRetry(r.ctx, { ...ex, authorization });
  if (withheldFrom !== undefined && (retried.status === 401 || retried.status === 403)) {
    throw problem(
      'credentialsWithheld',
      `access denied (HTTP ${retried.status}) with an anonymous token; the credentials were not sent to the token realm on ${withheldFrom}`,
    );
  }
  return retried;
}

function check(reply: Reply, what: string): void {
  switch (true) {
    case reply.status === 200:
      return;
    case reply.status === 401:
      throw problem('unauthorized', `${what}: access denied (HTTP 401) with the credentials sent`);
    case reply.status === 403:
      throw problem('unauthorized', `${what}: access forbidden (HTTP 403)`);
    case reply.status === 404:
      throw problem('notFound', `${what}: not found (HTTP 404)`);
    default:
      throw problem('unavailable', `${what}: unexpected HTTP ${reply.status}`);
  }
}

function hintOf(reply: Reply): Digest | undefined {
  const value = header(reply.headers, 'docker-content-digest');
  if (value === undefined) return undefined;
  try {
    return parseDigest(value.trim());
  } catch {
    return undefined;
  }
}

/**
 * Resolves a tag: HEAD for the digest hint, then GET of the manifest by that digest, whose bytes
 * must hash to it. A registry that lies on HEAD cannot get its word pinned, and the tag moving
 * between the two requests cannot mix two manifests. Without a hint the manifest is fetched by
 * tag and its bytes alone decide the digest; a contradicting Docker-Content-Digest is an error.
 */
export async function resolveTag(r: ManifestRequest): Promise<Resolution> {
  const head = await authed(r, 'HEAD', manifestUrl(r, r.tag));
  check(head, `tag ${r.tag}`);
  const declared = header(head.headers, 'content-length');
  if (declared !== undefined && Number(declared) > r.maxManifestBytes) {
    throw problem('limitExceeded', `the manifest is ${declared} bytes, over the limit of ${r.maxManifestBytes}`);
  }
  const hint = hintOf(head);
  const get = await authed(r, 'GET', manifestUrl(r, hint ?? r.tag));
  check(get, hint === undefined ? `tag ${r.tag}` : `manifest ${hint}`);
  const digest = digestOf(get.body, hint);
  const claimed = hintOf(get) ?? hint;
  if (claimed !== undefined && claimed !== digest) {
    throw problem('digestMismatch', `the registry claims ${claimed} but the manifest it served hashes to ${digest}`);
  }
  const parsed = parseManifest({
    body: get.body,
    contentType: header(get.headers, 'content-type'),
    maxEntries: r.maxIndexEntries,
  });
  return { digest, mediaType: parsed.mediaType, manifests: parsed.kind === 'index' ? parsed.manifests : [] };
}
