import { createHash } from 'node:crypto';
import { REGISTRY_CODES } from './errors.js';
import { ImagegateError } from '../errors/index.js';
import { normalizeHost } from './hosts.js';
import { isRecord } from '../guards/index.js';

/** A username and password (or identity token as password) for one registry. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Supplies credentials for a registry host (`host[:port]`, normalised), e.g. from the
 * imagePullSecrets of the object under review. Undefined means "pull anonymously".
 */
export interface CredentialsProvider {
  credentialsFor(opts: { readonly registry: string; readonly signal: AbortSignal }): Promise<Credentials | undefined>;
}

/** Credentials by normalised host, as read from a `.dockerconfigjson`. */
export type DockerConfigCredentials = ReadonlyMap<string, Credentials>;

const MAX_SECRET_BYTES = 1024 * 1024;

function invalid(why: string): ImagegateError {
  return new ImagegateError(
    REGISTRY_CODES.pullSecretInvalid,
    `the kubernetes.io/dockerconfigjson secret data is invalid: ${why}: recreate the secret with \`kubectl create secret docker-registry\``,
  );
}

/** `https://index.docker.io/v1/`, `registry.example.com:5000/v2/` → normalised `host[:port]`. */
function authsKeyHost(key: string): string | undefined {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0] ?? '';
  return host === '' ? undefined : normalizeHost(host);
}

function entryCredentials(entry: Record<string, unknown>, key: string): Credentials {
  const { auth, username, password } = entry;
  if (typeof auth === 'string' && auth !== '') {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw invalid(`auths[${JSON.stringify(key)}].auth is not base64 of "username:password"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof username === 'string' && username !== '' && typeof password === 'string') return { username, password };
  throw invalid(`auths[${JSON.stringify(key)}] has neither "auth" nor "username" and "password"`);
}

/**
 * Parses the `.dockerconfigjson` key of a kubernetes.io/dockerconfigjson secret (raw JSON text
 * or bytes, already base64-decoded from the Secret's data). Error messages never quote values.
 * @throws ImagegateError IMAGEGATE_REGISTRY_PULL_SECRET_INVALID
 */
export function parseDockerConfigJson(data: string | Uint8Array): DockerConfigCredentials {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  if (text.length > MAX_SECRET_BYTES) throw invalid(`it exceeds ${MAX_SECRET_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid('it is not JSON');
  }
  if (!isRecord(doc) || !isRecord(doc.auths)) throw invalid('it has no "auths" object');
  const out = new Map<string, Credentials>();
  for (const [key, entry] of Object.entries(doc.auths)) {
    if (!isRecord(entry)) throw invalid(`auths[${JSON.stringify(key)}] is not an object`);
    const host = authsKeyHost(key);
    if (host !== undefined && !out.has(host)) out.set(host, entryCredentials(entry, key));
  }
  return out;
}

/** A provider answering from fixed credentials by normalised host. */
export function staticCredentialsProvider(byHost: DockerConfigCredentials): CredentialsProvider {
  return { credentialsFor: ({ registry }) => Promise.resolve(byHost.get(normalizeHost(registry))) };
}

/** A stable key for cache entries made with `c` ('' for anonymous); reveals nothing of the password. */
export function credentialsId(c: Credentials | undefined): string {
  if (c === undefined) return '';
  return createHash('sha256').update(c.username).update('\0').update(c.password).digest('hex').slice(0, 32);
}
