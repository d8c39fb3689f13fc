import { Agent, type Dispatcher } from 'undici';
import { startDeadline, untilAborted } from '../admission/index.js';
import { FlightCache, type Clock } from '../cache/index.js';
import { readBounded } from '../net/index.js';
import { KubeError } from './errors.js';
import { parseServiceAccount, parseSecret, type KubeSecret, type KubeServiceAccount } from './objects.js';
import { TokenFile, type TokenFileSystem } from './token.js';

/** Kubernetes objects of one namespace the pull-secret lookup reads. */
export interface KubeClient {
  /** @throws KubeError */
  getSecret(opts: KubeGet): Promise<KubeSecret>;
  /** @throws KubeError */
  getServiceAccount(opts: KubeGet): Promise<KubeServiceAccount>;
  /** Closes the connection pool this client created (not a dispatcher passed in). */
  close(): Promise<void>;
}

export interface KubeGet {
  readonly namespace: string;
  readonly name: string;
  readonly signal: AbortSignal;
}

export interface KubeClientOptions {
  /** `https://host:port` of the API server. */
  readonly apiServer: string;
  readonly tokenFile: string;
  /** PEM CA bundle the API server certificate is checked against (ignored with `dispatcher`). */
  readonly caPem?: string;
  readonly dispatcher?: Dispatcher;
  readonly tokenFs?: TokenFileSystem;
  readonly clock?: Clock;
  /** How long an object (or a 404/403 answer) is reused, in ms; 0 disables. */
  readonly cacheTtlMs: number;
  /** Deadline of one read, retries included, in ms. */
  readonly timeoutMs: number;
}

/** Secrets are at most 1 MiB; anything much larger is not an answer we want to buffer. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Names come from the object under review: validated so that none can reshape the URL path. */
function objectPath(kind: 'secrets' | 'serviceaccounts', namespace: string, name: string): string {
  if (!DNS_LABEL.test(namespace))
    throw new KubeError(
      'invalidName',
      `the namespace ${JSON.stringify(namespace.slice(0, 70))} is not a valid namespace name`,
    );
  if (!DNS_SUBDOMAIN.test(name))
    throw new KubeError(
      'invalidName',
      `the ${kind === 'secrets' ? 'secret' : 'service account'} name ${JSON.stringify(name.slice(0, 70))} is not a valid object name`,
    );
  return `/api/v1/namespaces/${namespace}/${kind}/${name}`;
}

function statusError(status: number, what: string): KubeError {
  switch (status) {
    case 401:
      return new KubeError(
        'unauthorized',
        `reading ${what}: the API server refused the service account token (HTTP 401)`,
      );
    case 403:
      return new KubeError('forbidden', `reading ${what}: forbidden (HTTP 403)`);
    case 404:
      return new KubeError('notFound', `${what} does not exist (HTTP 404)`);
    default:
      return new KubeError('unavailable', `reading ${what}: the API server answered HTTP ${status}`);
  }
}

/** A minimal Kubernetes API reader over undici: GET by name, bearer token, TTL cache, deadline. */
export function createKubeClient(opts: KubeClientOptions): KubeClient {
  const dispatcher: Dispatcher =
    opts.dispatcher ??
    new Agent({ connections: 4, ...(opts.caPem === undefined ? {} : { connect: { ca: opts.caPem } }) });
  const owned = dispatcher === opts.dispatcher ? undefined : dispatcher;
  const token = new TokenFile(opts.tokenFile, opts.tokenFs);
  const cacheOpts = {
    clock: opts.clock ?? { now: () => performance.now() },
    maxEntries: 10_000,
    ttlMs: opts.cacheTtlMs,
    failureTtlMs: opts.cacheTtlMs,
  };
  const secrets = new FlightCache<KubeSecret, KubeError>(cacheOpts);
  const accounts = new FlightCache<KubeServiceAccount, KubeError>(cacheOpts);
  const origin = new URL(opts.apiServer).origin;

  async function request(path: string, signal: AbortSignal): Promise<{ status: number; body: Buffer }> {
    const authorization = `Bearer ${await untilAborted({ work: token.token(), signal })}`;
    const pending = dispatcher.request({
      origin,
      path,
      method: 'GET',
      headers: { accept: 'application/json', authorization },
      signal,
    });
    const res = await untilAborted({ work: pending, signal });
    if (res.statusCode !== 200) {
      // The Status body is never read into a message: drain a little for reuse, else drop it.
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { status: res.statusCode, body: Buffer.alloc(0) };
    }
    const length = res.headers['content-length'];
    const body = await readBounded({
      body: res.body,
      maxBytes: MAX_BODY_BYTES,
      declaredLength: typeof length === 'string' ? length : undefined,
      tooLarge: () => new KubeError('protocol', `the API server answer exceeds ${MAX_BODY_BYTES} bytes`),
    });
    return { status: 200, body };
  }

  async function fetchObject(path: string, what: string, outer: AbortSignal): Promise<unknown> {
    const deadline = startDeadline({
      ms: opts.timeoutMs,
      parent: outer,
      what: `registries.pullSecrets.timeoutMs = ${opts.timeoutMs} ms`,
    });
    const { signal } = deadline;
    try {
      let reply = await request(path, signal);
      if (reply.status === 401) {
        // The token may have rotated under us between stat and use: read it again, once.
        token.invalidate();
        reply = await request(path, signal);
      }
      if (reply.status !== 200) throw statusError(reply.status, what);
      try {
        return JSON.parse(reply.body.toString('utf8'));
      } catch {
        throw new KubeError('protocol', `reading ${what}: the answer is not JSON`);
      }
    } catch (err) {
      if (err instanceof KubeError) throw err;
      if (signal.aborted) {
        const within = deadline.expired
          ? `${opts.timeoutMs} ms (registries.pullSecrets.timeoutMs)`
          : 'the review deadline';
        throw new KubeError('timeout', `reading ${what}: no answer within ${within}`, { cause: err });
      }
      const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? ` (${err.code})` : '';
      throw new KubeError('unavailable', `reading ${what}: the API server cannot be reached${code}`, { cause: err });
    } finally {
      deadline.dispose();
    }
  }

  async function get<T>(
    cache: FlightCache<T, KubeError>,
    kind: 'secrets' | 'serviceaccounts',
    g: KubeGet,
    parse: (doc: unknown, what: string) => T,
  ): Promise<T> {
    const what = `${kind === 'secrets' ? 'secret' : 'service account'} ${g.namespace}/${g.name}`;
    const path = objectPath(kind, g.namespace, g.name);
    const settled = await cache.get({
      key: path,
      signal: g.signal,
      // Parsed inside the flight so the cache holds only what parse keeps, and bad objects fail once.
      work: async (signal) => parse(await fetchObject(path, what, signal), what),
      toError: (err) =>
        err instanceof KubeError
          ? err
          : new KubeError('protocol', `reading ${what}: unexpected failure`, { cause: err }),
      cacheable: (e) => e.kind === 'notFound' || e.kind === 'forbidden',
      onAbort: () => new KubeError('timeout', `reading ${what}: the review deadline passed`),
    });
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  return {
    getSecret: (g) => get(secrets, 'secrets', g, parseSecret),
    getServiceAccount: (g) => get(accounts, 'serviceaccounts', g, parseServiceAccount),
    async close() {
      await owned?.close();
    },
  };
}
