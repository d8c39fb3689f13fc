import { parseDigest, type Digest } from '../images/index.js';
import { problem } from './errors.js';
import { pullScope, type RegistryAuth } from './auth.js';
import type { Credentials } from './credentials.js';
import { header, type Exchange, type LookupContext, type Reply } from './http.js';
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

/** What an authenticated GET needs besides its URL: the lookup, the auth state and the repository. */
export interface AuthedTarget {
  readonly ctx: LookupContext;
  readonly auth: RegistryAuth;
  readonly credentials: Credentials | undefined;
  /** Repository path on the registry: the pull scope asked for. */
  readonly path: string;
}

/** A GET that authenticates once when challenged; credentials follow the rules of RegistryAuth. */
export async function authedGet(
  r: AuthedTarget,
  req: { readonly url: URL; readonly accept: string; readonly maxBytes: number },
): Promise<Reply> {
  const scope = pullScope(r.path);
  const ex: Exchange = { method: 'GET', url: req.url, headers: { accept: req.accept }, maxBytes: req.maxBytes };
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

function authed(r: ManifestRequest, url: URL): Promise<Reply> {
  return authedGet(r, { url, accept: MANIFEST_ACCEPT, maxBytes: r.maxManifestBytes });
}

/** Throws the registry problem of a status other than 200. */
export function check(reply: Reply, what: string): void {
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

export function hintOf(reply: Reply): Digest | undefined {
  const value = header(reply.headers, 'docker-content-digest');
  if (value === undefined) return undefined;
  try {
    return parseDigest(value.trim());
  } catch {
    return undefined;
  }
}

/**
 * Resolves a tag in one round trip (two when the registry first challenges for auth): a GET of the
 * manifest by tag, whose received bytes alone decide the digest (sha512 when the registry's
 * Docker-Content-Digest names sha512, else sha256). A header that contradicts those bytes is
 * DIGEST_MISMATCH, so a lying registry cannot get its word pinned; one response carries both the
 * bytes and the claim, so a tag moving meanwhile cannot mix two manifests. The body is read up to
 * maxManifestBytes, and a declared Content-Length over that is refused before reading.
 */
export async function resolveTag(r: ManifestRequest): Promise<Resolution> {
  const reply = await authed(r, manifestUrl(r, r.tag));
  check(reply, `tag ${r.tag}`);
  const claimed = hintOf(reply);
  const digest = digestOf(reply.body, claimed);
  if (claimed !== undefined && claimed !== digest) {
    throw problem('digestMismatch', `the registry claims ${claimed} but the manifest it served hashes to ${digest}`);
  }
  const parsed = parseManifest({
    body: reply.body,
    contentType: header(reply.headers, 'content-type'),
    maxEntries: r.maxIndexEntries,
  });
  return { digest, mediaType: parsed.mediaType, manifests: parsed.kind === 'index' ? parsed.manifests : [] };
}
