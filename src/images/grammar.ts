/**
 * The lexical grammar of image references, after github.com/distribution/reference (regexp.go)
 * and github.com/opencontainers/go-digest.
 *
 * Every check returns `undefined` when its text is valid, or one sentence saying what is wrong and
 * how to fix it, which the caller wraps in an error.
 *
 * Inputs come from pod specs written by tenants, so nothing here may backtrack: path components
 * are checked by a scanner, and every regex is a single anchored character-class run (no nested
 * or overlapping quantifiers), so each check is linear in the length of its input.
 */
import { isIPv6 } from 'node:net';

/** Longest reference we look at, in UTF-16 code units; longer input is rejected unread. */
export const MAX_REFERENCE_LENGTH = 4096;
/** Longest repository name (`domain/path`, after normalisation), in characters. */
export const MAX_NAME_LENGTH = 255;
/** Longest tag, in characters (distribution's `[\w][\w.-]{0,127}`). */
export const MAX_TAG_LENGTH = 128;

/**
 * Digest algorithms we accept and the length of their lowercase hex encoding. sha384 (which
 * go-digest also knows) is deliberately absent: registries and signers use sha256 and sha512.
 */
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha512', 128],
]);

const LOWER_ALNUM = /^[a-z0-9]$/;
const PATH_CHARS = /^[A-Za-z0-9._-]+$/;
const PATH_SEPARATOR_RUN = /[a-z0-9]+/;
const DASHES = /^-+$/;
const LABEL_CHARS = /^[A-Za-z0-9-]+$/;
const IPV6_CHARS = /^[0-9A-Fa-f:]+$/;
const DIGITS = /^[0-9]+$/;
const TAG_FIRST = /^\w$/;
const TAG_CHARS = /^[\w.-]+$/;
const LOWER_HEX = /^[a-f0-9]+$/;
const ANY_HEX = /^[a-fA-F0-9]+$/;
const IMAGE_ID = /^[a-f0-9]{64}$/;

/**
 * JSON-quotes `s`, showing at most about `max` characters of escaped text, so hostile input
 * (10 KB, or thousands of control characters that escape to six characters each) cannot bloat
 * messages and logs.
 */
export function quote(s: string, max = 100): string {
  let end = 0;
  for (let width = 0; end < s.length && width < max; end++) width += JSON.stringify(s.charAt(end)).length - 2;
  const shown = JSON.stringify(s.slice(0, end));
  return end === s.length ? shown : `${shown}… (${s.length} characters)`;
}

/** The first character outside printable ASCII (0x21–0x7E): whitespace, controls, non-ASCII. */
export function forbiddenCharProblem(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code > 0x20 && code < 0x7f) continue;
    return describeForbiddenChar(s, i);
  }
  return undefined;
}

function describeForbiddenChar(s: string, index: number): string {
  const code = s.codePointAt(index) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0x20)
    return `it contains a space at index ${index}: remove it (image references cannot contain whitespace)`;
  if (code < 0x20 || code === 0x7f) return `it contains control character ${hex} at index ${index}: remove it`;
  // Blocks homoglyph hosts (Cyrillic "е" for "e") and invisible bidi or zero-width characters.
  return (
    `it contains non-ASCII character ${hex} at index ${index}: image references are ASCII only; ` +
    'write an internationalised registry host in punycode (xn--…)'
  );
}

/** True for a bare 64-hex string, which docker reads as an image ID, never as a name. */
export function isImageId(s: string): boolean {
  return IMAGE_ID.test(s);
}

/**
 * distribution's rule for the first `/`-separated component: it names a registry when it is
 * `localhost`, contains `.` or `:`, or has an uppercase letter (namespaces are lowercase);
 * otherwise it is the first path component on docker.io.
 */
export function looksLikeDomain(first: string): boolean {
  return first === 'localhost' || first.includes('.') || first.includes(':') || first !== first.toLowerCase();
}

/**
 * `host[:port]`, where host is a DNS-style name (case kept) or a bracketed IPv6 address. Stricter
 * than distribution: the port must be 1–65535 and the bracketed text a real IPv6 address.
 */
export function domainProblem(domain: string): string | undefined {
  if (domain.startsWith('[')) return bracketedDomainProblem(domain);
  const colon = domain.indexOf(':');
  const host = colon === -1 ? domain : domain.slice(0, colon);
  const hostProblem = hostNameProblem(host);
  if (hostProblem !== undefined) return hostProblem;
  return colon === -1 ? undefined : portProblem(domain.slice(colon + 1), domain);
}

function bracketedDomainProblem(domain: string): string | undefined {
  const close = domain.indexOf(']');
  if (close === -1)
    return `registry host ${quote(domain)} opens "[" without closing "]": write e.g. [2001:db8::1]:5000`;
  const address = domain.slice(1, close);
  if (!IPV6_CHARS.test(address) || !isIPv6(address)) {
    return (
      `registry host ${quote(domain)} has ${quote(address)} in brackets, which is not an IPv6 address ` +
      '(zone IDs and dotted IPv4 forms are not allowed): write e.g. [2001:db8::1]'
    );
  }
  const rest = domain.slice(close + 1);
  if (rest === '') return undefined;
  if (!rest.startsWith(':'))
    return `registry host ${quote(domain)} has ${quote(rest)} after "]": only ":port" may follow`;
  return portProblem(rest.slice(1), domain);
}

function hostNameProblem(host: string): string | undefined {
  if (host === '') return 'the registry host is empty: write e.g. registry.example.com/app';
  const labels = host.split('.');
  if (labels.includes('')) {
    const fixed = labels.filter((label) => label !== '').join('.');
    return (
      `registry host ${quote(host)} has an empty label (a leading, trailing or doubled "."): ` + `write ${quote(fixed)}`
    );
  }
  for (const label of labels) {
    if (!LABEL_CHARS.test(label)) {
      return `registry host ${quote(host)} may only contain letters, digits, "-" and "." (label ${quote(label)})`;
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return `registry host ${quote(host)} has label ${quote(label)}, which must not start or end with "-"`;
    }
  }
  return undefined;
}

function portProblem(port: string, domain: string): string | undefined {
  const value = DIGITS.test(port) ? Number(port) : Number.NaN;
  if (value >= 1 && value <= 65535) return undefined;
  return `registry port ${quote(port)} in ${quote(domain)} must be a number from 1 to 65535: write e.g. ${quote('host:5000')}`;
}

/** `component(/component)*`, each component `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`. */
export function pathProblem(path: string): string | undefined {
  const components = path.split('/');
  if (components.includes('')) {
    const fixed = components.filter((c) => c !== '').join('/');
    return (
      `repository path ${quote(path)} has an empty component (a leading, trailing or doubled "/"): ` +
      `write ${quote(fixed)}`
    );
  }
  for (const component of components) {
    const problem = pathComponentProblem(component);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function pathComponentProblem(component: string): string | undefined {
  if (!PATH_CHARS.test(component)) {
    return (
      `repository name ${quote(component)} may only contain lowercase letters, digits and the separators ` +
      '".", "_", "__" and "-"'
    );
  }
  const lower = component.toLowerCase();
  const structure = pathStructureProblem(lower);
  if (structure !== undefined) return structure;
  if (lower !== component) return `repository name must be lowercase: ${quote(component)} → write ${quote(lower)}`;
  return undefined;
}

function pathStructureProblem(component: string): string | undefined {
  const first = component.charAt(0);
  const last = component.charAt(component.length - 1);
  if (!LOWER_ALNUM.test(first) || !LOWER_ALNUM.test(last)) {
    return `repository name ${quote(component)} must start and end with a letter or digit`;
  }
  // Interior pieces of the split are the separators between alphanumeric runs.
  for (const separator of component.split(PATH_SEPARATOR_RUN)) {
    if (separator === '' || separator === '.' || separator === '_' || separator === '__') continue;
    if (DASHES.test(separator)) continue;
    return (
      `repository name ${quote(component)} uses separator ${quote(separator)}; between letters and digits ` +
      'only one of ".", "_", "__" or a run of "-" is allowed'
    );
  }
  return undefined;
}

/** `[\w][\w.-]{0,127}`; `name` is used to suggest a fix and must already be valid. */
export function tagProblem(tag: string, name: string): string | undefined {
  if (tag === '') return `tag "" is empty: write ${name}:1.27 or drop the colon`;
  if (tag.length > MAX_TAG_LENGTH) {
    return `tag ${quote(tag, 40)} exceeds the limit of ${MAX_TAG_LENGTH} characters`;
  }
  if (!TAG_FIRST.test(tag.charAt(0))) return `tag ${quote(tag)} must start with a letter, digit or "_"`;
  if (!TAG_CHARS.test(tag)) return `tag ${quote(tag)} may only contain letters, digits, "_", "." and "-"`;
  return undefined;
}

/** `algorithm:hex` with a supported algorithm and exactly its length of lowercase hex. */
export function digestProblem(digest: string): string | undefined {
  if (digest.length > MAX_REFERENCE_LENGTH) {
    return `digest ${quote(digest, 80)} is longer than ${MAX_REFERENCE_LENGTH} characters`;
  }
  const chars = forbiddenCharProblem(digest);
  if (chars !== undefined) return `digest ${quote(digest, 80)} is malformed: ${chars}`;
  const colon = digest.indexOf(':');
  if (colon <= 0) {
    return `digest ${quote(digest, 80)} must be written algorithm:hex: write sha256:<64 lowercase hex characters>`;
  }
  const algorithm = digest.slice(0, colon);
  const hexLength = DIGEST_HEX_LENGTH.get(algorithm);
  if (hexLength === undefined)
    return `digest algorithm ${quote(algorithm, 40)} is not supported; use sha256 (or sha512)`;
  return encodedProblem(digest, digest.slice(colon + 1), hexLength);
}

function encodedProblem(digest: string, encoded: string, hexLength: number): string | undefined {
  if (encoded.length === hexLength && LOWER_HEX.test(encoded)) return undefined;
  const expected = `digest ${quote(digest, 80)} must have ${hexLength} lowercase hex characters after the colon`;
  if (encoded !== '' && !ANY_HEX.test(encoded)) return `${expected}; it has a non-hex character`;
  if (encoded.length !== hexLength) return `${expected}; it has ${encoded.length}`;
  return `${expected}; it has uppercase hex: write it in lowercase`;
}
