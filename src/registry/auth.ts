import { LRUCache } from 'lru-cache';
import { problem } from './errors.js';
import { credentialsId, type Credentials } from './credentials.js';
import type { Clock } from '../cache/index.js';
import type { LookupContext } from './http.js';
import { sendWithRetry } from './retry.js';
import { isRecord } from '../guards/index.js';

/** A parsed `WWW-Authenticate` challenge of the two schemes registries use. */
export type Challenge =
  { readonly scheme: 'bearer'; readonly realm: string; readonly service?: string } | { readonly scheme: 'basic' };

/**
 * The Authorization to retry with. `withheldFrom` names the token realm host the lookup's
 * credentials were not sent to (see mayReceiveCredentials): the token is then anonymous.
 */
export interface AuthAnswer {
  readonly authorization: string;
  readonly withheldFrom: string | undefined;
}

/** Tokens are dropped this long before the expiry the token service states (ms). */
export const TOKEN_EXPIRY_MARGIN_MS = 10_000;
/** expires_in the distribution token spec implies when the answer omits it (s). */
const DEFAULT_EXPIRES_IN_S = 60;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
const PARAM = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;

/** Parses the first challenge of a WWW-Authenticate header; undefined for unknown schemes. */
export function parseChallenge(value: string | undefined): Challenge | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(value);
  const scheme = m?.[1]?.toLowerCase();
  if (scheme === 'basic') return { scheme: 'basic' };
  if (scheme !== 'bearer') return undefined;
  const params = new Map<string, string>();
  for (const p of (m?.[2] ?? '').matchAll(PARAM)) {
    const key = p[1]?.toLowerCase();
    if (key !== undefined && !params.has(key)) params.set(key, (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  const realm = params.get('realm');
  if (realm === undefined || realm === '') return undefined;
  const service = params.get('service');
  return service === undefined ? { scheme: 'bearer', realm } : { scheme: 'bearer', realm, service };
}

export function basicAuthorization(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
}

/** The pull scope of a repository path, as the token service expects it. */
export function pullScope(path: string): string {
  return `repository:${path}:pull`;
}

/**
 * Registry authentication state shared by all lookups: which scheme each registry asked for and
 * the bearer tokens obtained, cached per (registry, scope, credentials) until expiry minus a margin.
 * Keyed by a hash of username and password, not the username alone: two pull secrets naming the
 * same user with different passwords must never share a token.
 */
export class RegistryAuth {
  private readonly schemes = new Map<string, 'basic' | 'bearer'>();
  private readonly tokens: LRUCache<string, string>;

  constructor(clock: Clock) {
    this.tokens = new LRUCache<string, string>({ max: 10_000, ttl: 1, ttlResolution: 0, perf: clock });
  }

  /** The Authorization to send up front, from what earlier challenges taught us. */
  cached(ctx: LookupContext, scope: string, creds: Credentials | undefined): string | undefined {
    const scheme = this.schemes.get(ctx.settings.origin);
    if (scheme === 'basic') return creds === undefined ? undefined : basicAuthorization(creds);
    if (scheme === 'bearer') {
      const token = this.tokens.get(this.tokenKeyPrefix(ctx) + `|${scope}|${credentialsId(creds)}`);
      return token === undefined ? undefined : `Bearer ${token}`;
    }
    return undefined;
  }

  /**
   * Answers a 401: the Authorization to retry with.
   * @throws RegistryProblem unauthorized, credentialsWithheld, realmRefused, timeout, unavailable
   */
  async answer(
    ctx: LookupContext,
    header: string | undefined,
    scope: string,
    creds: Credentials | undefined,
  ): Promise<AuthAnswer> {
    const challenge = parseChallenge(header);
    if (challenge === undefined)
      throw problem('unauthorized', 'access denied (HTTP 401) without a usable authentication challenge');
    switch (challenge.scheme) {
      case 'basic':
        this.schemes.set(ctx.settings.origin, 'basic');
        if (creds === undefined)
          throw problem('unauthorized', 'authentication required (HTTP 401) and no credentials are configured');
        // Basic goes to the registry's own origin only (send() drops it on any cross-host redirect).
        return { authorization: basicAuthorization(creds), withheldFrom: undefined };
      case 'bearer': {
        this.schemes.set(ctx.settings.origin, 'bearer');
        return this.fetchToken(ctx, challenge, scope, creds);
      }
      default:
        return challenge satisfies never;
    }
  }

  private tokenKeyPrefix(ctx: LookupContext): string {
    return ctx.settings.origin;
  }

  private realmUrl(ctx: LookupContext, realm: string): URL {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw problem('realmRefused', 'the token realm is not a valid URL');
    }
    const schemeOk = url.protocol === 'https:' || (url.protocol === 'http:' && ctx.settings.scheme === 'http');
    if (!schemeOk) throw problem('realmRefused', `the token realm on ${url.host} does not use https`);
    const { settings } = ctx;
    if (
      url.host !== settings.originHost &&
      !settings.allowedHosts.has(url.host) &&
      !settings.credentialRealms.has(url.host)
    ) {
      throw problem(
        'realmRefused',
        `the token realm is on ${url.host}, which is not in registries.hosts[].allowedHosts`,
      );
    }
    return url;
  }

  private async fetchToken(
    ctx: LookupContext,
    c: Challenge & { scheme: 'bearer' },
    scope: string,
    creds: Credentials | undefined,
  ): Promise<AuthAnswer> {
    const url = this.realmUrl(ctx, c.realm);
    if (c.service !== undefined) url.searchParams.set('service', c.service);
    url.searchParams.set('scope', scope);
    const sent = creds !== undefined && mayReceiveCredentials(ctx, url) ? creds : undefined;
    const withheldFrom = creds !== undefined && sent === undefined ? url.host : undefined;
    const reply = await sendWithRetry(ctx, {
      method: 'GET',
      url,
      headers: { accept: 'application/json' },
      ...(sent === undefined ? {} : { authorization: basicAuthorization(sent) }),
      maxBytes: MAX_TOKEN_RESPONSE_BYTES,
    });
    if (reply.status === 401 || reply.status === 403) {
      if (withheldFrom !== undefined)
        throw problem(
          'credentialsWithheld',
          `the token service refused an anonymous pull token (HTTP ${reply.status}); the credentials were not sent to the realm on ${withheldFrom}`,
        );
      const who = sent === undefined ? 'an anonymous pull token' : 'a pull token for the configured credentials';
      throw problem('unauthorized', `the token service refused ${who} (HTTP ${reply.status})`);
    }
    if (reply.status !== 200) throw problem('unavailable', `the token service answered HTTP ${reply.status}`);
    const { token, ttlMs } = parseTokenReply(reply.body);
    if (ttlMs > 0)
      this.tokens.set(`${this.tokenKeyPrefix(ctx)}|${scope}|${credentialsId(creds)}`, token, { ttl: ttlMs });
    return { authorization: `Bearer ${token}`, withheldFrom };
  }
}

/**
 * Whether the lookup's credentials (static or from a pull secret, configured for this registry
 * host) may go to the token realm at `url`: only on the registry's own host, or on a host the
 * operator listed in registries.hosts[].credentialRealms. Blocks a registry, or whoever can shape
 * its 401 answers, pointing the realm at another allowed host to collect the password there.
 */
function mayReceiveCredentials(ctx: LookupContext, url: URL): boolean {
  return url.host === ctx.settings.originHost || ctx.settings.credentialRealms.has(url.host);
}

function parseTokenReply(body: Buffer): { readonly token: string; readonly ttlMs: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw problem('protocol', 'the token service answer is not JSON');
  }
  if (!isRecord(doc)) throw problem('protocol', 'the token service answer is not a JSON object');
  const token = typeof doc.token === 'string' && doc.token !== '' ? doc.token : doc.access_token;
  if (typeof token !== 'string' || token === '' || !/^[\x21-\x7e]+$/.test(token))
    throw problem('protocol', 'the token service answer has no usable token');
  const expires = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_EXPIRES_IN_S;
  return { token, ttlMs: Math.floor(expires * 1000) - TOKEN_EXPIRY_MARGIN_MS };
}
