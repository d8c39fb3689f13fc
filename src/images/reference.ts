/**
 * Image references as the container runtime reads them: the normalisation of
 * github.com/distribution/reference's ParseNormalizedNamed (the parser kubelet and containerd
 * use), with the digest rules of go-digest.
 *
 * Contract: every reference we accept names the same domain, path, tag and digest as distribution
 * does, so a policy decision can never be about a different image than the one the node pulls.
 * Where we differ, we only reject more: ports outside 1–65535, bracketed text that is not an IPv6
 * address, digests other than sha256/sha512, names over 255 characters including the domain, and
 * input over 4096 characters.
 *
 * Deliberately kept as distribution has it:
 * - the domain keeps its case (`TRUSTED.example.com`); host comparisons elsewhere must lowercase,
 *   and `registryHost` does;
 * - a domain with a trailing dot (`example.com.`) is rejected, so it can never pass as a host
 *   distinct from `example.com`;
 * - only the bare 64-hex string is refused as an image ID; `<64 hex>:tag` is a docker.io name;
 * - `localhost:5000` without a path is the image docker.io/library/localhost with tag 5000.
 */
import { ImagegateError } from '../errors/index.js';
import { DOCKER_HUB_DOMAIN, DOCKER_HUB_LEGACY_DOMAIN, registryApiAuthority } from './hub.js';
import {
  MAX_NAME_LENGTH,
  MAX_REFERENCE_LENGTH,
  digestProblem,
  domainProblem,
  forbiddenCharProblem,
  isImageId,
  looksLikeDomain,
  pathProblem,
  quote,
  tagProblem,
} from './grammar.js';

/** Thrown by parseImageReference for any input that is not a valid image reference. */
export const IMAGE_REFERENCE_INVALID = 'IMAGEGATE_IMAGE_REFERENCE_INVALID';
/** Thrown by parseDigest for text that is not a supported `algorithm:hex` digest. */
export const DIGEST_INVALID = 'IMAGEGATE_DIGEST_INVALID';
/** Thrown by withDigest when the reference already carries a different digest. */
export const IMAGE_DIGEST_CONFLICT = 'IMAGEGATE_IMAGE_DIGEST_CONFLICT';

const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
/** How much of the raw input an error message quotes. */
const QUOTED_INPUT_LENGTH = 200;

declare const digestBrand: unique symbol;

/** A validated `sha256:<64 hex>` or `sha512:<128 hex>`, lowercase. Only parsers produce one. */
export type Digest = string & { readonly [digestBrand]: true };

const imageRefBrand: unique symbol = Symbol('imagegate.ImageRef');

/** A parsed, normalised image reference. Only this module produces one; it is frozen. */
export interface ImageRef {
  readonly [imageRefBrand]: true;
  /** The text this reference was parsed from (withDigest keeps the source's text). */
  readonly original: string;
  /** Registry as written, case kept, port kept, IPv6 in brackets; `docker.io` when omitted. */
  readonly domain: string;
  /** Repository path without the domain, e.g. `library/nginx`. */
  readonly path: string;
  /** `domain/path`, e.g. `docker.io/library/nginx`. */
  readonly repository: string;
  /** The tag; `latest` when the input had neither tag nor digest, absent with a bare digest. */
  readonly tag?: string;
  /** The digest; when present it alone identifies the image and the tag is informational. */
  readonly digest?: Digest;
  /** `repository[:tag][@digest]`, e.g. `docker.io/library/nginx:latest`. */
  readonly canonical: string;
}

/** Outcome of tryParseImageReference. */
export type ImageRefResult =
  { readonly ok: true; readonly ref: ImageRef } | { readonly ok: false; readonly error: ImagegateError };

/** Where to connect for a reference's registry. */
export interface RegistryEndpoint {
  /** `host[:port]` lowercased, IPv6 kept in brackets: the authority of an https:// URL. */
  readonly authority: string;
  /** Host lowercased without brackets or port: for DNS, IP-range checks and net.connect. */
  readonly hostname: string;
  /** The explicit port; absent means the scheme default (443 for https). */
  readonly port?: number;
}

interface RefParts {
  readonly original: string;
  readonly domain: string;
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: Digest | undefined;
}

/** A checked value, or one sentence saying what is wrong with the input and how to fix it. */
type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

interface Location {
  readonly domain: string;
  readonly path: string;
}

/**
 * Parses and normalises `input` (`nginx` → `docker.io/library/nginx:latest`).
 * @throws ImagegateError IMAGEGATE_IMAGE_REFERENCE_INVALID naming the offending part.
 */
export function parseImageReference(input: string): ImageRef {
  const result = tryParseImageReference(input);
  if (result.ok) return result.ref;
  throw result.error;
}

/** Like parseImageReference, but returns the error instead of throwing it. */
export function tryParseImageReference(input: string): ImageRefResult {
  if (typeof input !== 'string') {
    return {
      ok: false,
      error: new ImagegateError(IMAGE_REFERENCE_INVALID, `image reference must be a string, got ${typeof input}`),
    };
  }
  const result = parseParts(input);
  if (result.ok) return { ok: true, ref: build(result.value) };
  const message = `image reference ${quoteInput(input)} is invalid: ${result.problem}`;
  return { ok: false, error: new ImagegateError(IMAGE_REFERENCE_INVALID, message) };
}

/**
 * Validates a standalone digest such as a Docker-Content-Digest header.
 * @throws ImagegateError IMAGEGATE_DIGEST_INVALID
 */
export function parseDigest(text: string): Digest {
  if (isDigest(text)) return text;
  throw new ImagegateError(DIGEST_INVALID, `invalid digest: ${digestProblem(text) ?? 'unknown problem'}`);
}

/** Docker's short form: `nginx:latest`, `user/app@sha256:…`, `ghcr.io/org/app:v1`. */
export function familiarName(ref: ImageRef): string {
  return familiarRepository(ref) + suffix(ref.tag, ref.digest);
}

/**
 * The pinned form of `ref`: same repository and tag, plus `digest`
 * (`docker.io/library/nginx:latest@sha256:…`).
 * @throws ImagegateError IMAGEGATE_IMAGE_DIGEST_CONFLICT when `ref` already has another digest,
 *   because a pinned reference must never be re-pointed.
 */
export function withDigest(ref: ImageRef, digest: Digest): ImageRef {
  if (ref.digest !== undefined && ref.digest !== digest) {
    throw new ImagegateError(
      IMAGE_DIGEST_CONFLICT,
      `image ${quote(ref.canonical, QUOTED_INPUT_LENGTH)} is already pinned to ${ref.digest}; ` +
        `refusing to re-pin it to ${digest}: use the digest the reference already names`,
    );
  }
  return build({ original: ref.original, domain: ref.domain, path: ref.path, tag: ref.tag, digest });
}

/**
 * The `host[:port]` to contact, lowercased, brackets kept around IPv6 so it can go straight into
 * `https://${registryHost(ref)}/v2/`. Docker Hub (`docker.io`, any case) maps to
 * registry-1.docker.io. Not IP-canonicalised: an SSRF guard must parse addresses itself.
 */
export function registryHost(ref: ImageRef): string {
  return registryApiAuthority(ref.domain.toLowerCase());
}

/** registryHost split into the URL authority, the bare hostname (no brackets) and the port. */
export function registryEndpoint(ref: ImageRef): RegistryEndpoint {
  const authority = registryHost(ref);
  const portAt = authority.lastIndexOf(':');
  const hasPort = portAt > authority.lastIndexOf(']');
  const host = hasPort ? authority.slice(0, portAt) : authority;
  const hostname = host.startsWith('[') ? host.slice(1, -1) : host;
  if (!hasPort) return Object.freeze({ authority, hostname });
  return Object.freeze({ authority, hostname, port: Number(authority.slice(portAt + 1)) });
}

function parseParts(input: string): Checked<RefParts> {
  const early = inputProblem(input);
  if (early !== undefined) return { ok: false, problem: early };
  const at = input.indexOf('@');
  const nameAndTag = at === -1 ? input : input.slice(0, at);
  const digestText = at === -1 ? undefined : input.slice(at + 1);
  const { name, tag } = splitTag(nameAndTag);
  const located = locate(name);
  if (!located.ok) return located;
  const { domain, path } = located.value;
  const tagIssue = tag === undefined ? undefined : tagProblem(tag, shortName(name));
  if (tagIssue !== undefined) return { ok: false, problem: tagIssue };
  const digest = digestText === undefined ? undefined : checkedDigest(digestText, name);
  if (digest !== undefined && !digest.ok) return digest;
  const pinned = digest?.value;
  const defaultedTag = tag === undefined && pinned === undefined ? DEFAULT_TAG : tag;
  return { ok: true, value: { original: input, domain, path, tag: defaultedTag, digest: pinned } };
}

/** Problems visible before splitting: length (checked first, so huge input is never scanned). */
function inputProblem(input: string): string | undefined {
  if (input.length > MAX_REFERENCE_LENGTH) {
    return `it exceeds the limit of ${MAX_REFERENCE_LENGTH} characters: put a single image reference in the field`;
  }
  if (input === '') return 'it is empty: write an image such as nginx:1.27';
  const chars = forbiddenCharProblem(input);
  if (chars !== undefined) return chars;
  if (input.startsWith('[') && !input.includes('/')) {
    return 'a registry host must be followed by /repository: write e.g. [::1]:5000/app';
  }
  if (input.includes('://')) return `it has a URL scheme: drop ${quote(input.slice(0, input.indexOf('://') + 3))}`;
  if (isImageId(input)) {
    return 'it is a 64-character hex image ID, not a name: refer to the image as repository@sha256:<that hex>';
  }
  return undefined;
}

/** The tag is whatever follows the first ":" after the last "/" (a ":" before it is a port). */
function splitTag(nameAndTag: string): { readonly name: string; readonly tag: string | undefined } {
  const colon = nameAndTag.indexOf(':', nameAndTag.lastIndexOf('/') + 1);
  if (colon === -1) return { name: nameAndTag, tag: undefined };
  return { name: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1) };
}

/** Splits off and validates the domain, applies docker.io normalisation, validates the path. */
function locate(name: string): Checked<Location> {
  if (name === '')
    return { ok: false, problem: 'the repository name is empty: write e.g. nginx:1.27 or nginx@sha256:<hex>' };
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const explicit = slash !== -1 && looksLikeDomain(first);
  const written = explicit ? first : DOCKER_HUB_DOMAIN;
  const remote = explicit ? name.slice(slash + 1) : name;
  const hostIssue = explicit ? domainProblem(written) : undefined;
  if (hostIssue !== undefined) return { ok: false, problem: hostIssue };
  if (remote === '') {
    return {
      ok: false,
      problem: `nothing follows the registry host ${quote(written)}: add a repository path after the "/"`,
    };
  }
  const pathIssue = pathProblem(remote);
  if (pathIssue !== undefined) return { ok: false, problem: pathIssue };
  const domain = written === DOCKER_HUB_LEGACY_DOMAIN ? DOCKER_HUB_DOMAIN : written;
  const path = domain === DOCKER_HUB_DOMAIN && !remote.includes('/') ? OFFICIAL_PREFIX + remote : remote;
  const repository = `${domain}/${path}`;
  if (repository.length > MAX_NAME_LENGTH) {
    return {
      ok: false,
      problem: `repository name ${quote(repository, 60)} exceeds the limit of ${MAX_NAME_LENGTH} characters`,
    };
  }
  return { ok: true, value: { domain, path } };
}

function checkedDigest(text: string, name: string): Checked<Digest> {
  if (text === '') {
    return {
      ok: false,
      problem: `nothing follows "@": write ${shortName(name)}@sha256:<64 lowercase hex characters> or drop the "@"`,
    };
  }
  if (isDigest(text)) return { ok: true, value: text };
  return { ok: false, problem: digestProblem(text) ?? 'the digest is malformed' };
}

function isDigest(text: string): text is Digest {
  return digestProblem(text) === undefined;
}

function build(parts: RefParts): ImageRef {
  const repository = `${parts.domain}/${parts.path}`;
  return Object.freeze({
    [imageRefBrand]: true as const,
    original: parts.original,
    domain: parts.domain,
    path: parts.path,
    repository,
    ...(parts.tag === undefined ? {} : { tag: parts.tag }),
    ...(parts.digest === undefined ? {} : { digest: parts.digest }),
    canonical: repository + suffix(parts.tag, parts.digest),
  });
}

function suffix(tag: string | undefined, digest: Digest | undefined): string {
  return (tag === undefined ? '' : `:${tag}`) + (digest === undefined ? '' : `@${digest}`);
}

/**
 * distribution's familiar name, except that the `docker.io/` prefix is kept when dropping it
 * would make the first path component read as a registry (`docker.io/foo.bar/x`), so the short
 * form always parses back to the same image.
 */
function familiarRepository(ref: ImageRef): string {
  if (ref.domain !== DOCKER_HUB_DOMAIN) return ref.repository;
  const official = ref.path.startsWith(OFFICIAL_PREFIX) ? ref.path.slice(OFFICIAL_PREFIX.length) : undefined;
  if (official !== undefined && !official.includes('/')) return official;
  const slash = ref.path.indexOf('/');
  if (slash === -1) return ref.path;
  return looksLikeDomain(ref.path.slice(0, slash)) ? ref.repository : ref.path;
}

/** A name for fix suggestions, bounded so a long name cannot bloat the message. */
function shortName(name: string): string {
  return name.length <= 60 ? name : 'name';
}

function quoteInput(input: string): string {
  return quote(input, QUOTED_INPUT_LENGTH);
}
