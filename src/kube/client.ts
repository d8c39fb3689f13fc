import { Agent, type Dispatcher } from 'undici';
import { startDeadline, untilAborted } from '../admission/index.js';
import { FlightCache, type Clock } from '../cache/index.js';
import { readBounded } from '../net/index.js';
import { KubeError, type KubeFailureKind } from './errors.js';
import {
  parseNamespace,
  parseServiceAccount,
  parseSecret,
  type KubeNamespace,
  type KubeSecret,
  type KubeServiceAccount,
} from './objects.js';
import { TokenFile, type TokenFileSystem } from './token.js';

/** Kubernetes objects of one namespace the pull-secret lookup reads. */
export interface KubeClient {
  /** @throws KubeError */
  getSecret(opts: KubeGet): Promise<KubeSecret>;
  /** @throws KubeError */
  getServiceAccount(opts: KubeGet): Promise<KubeServiceAccount>;
  /** @throws KubeError */
  getNamespace(opts: { readonly name: string; readonly signal: AbortSignal }): Promise<KubeNamespace>;
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
  /** The config section these settings come from, named in timeout messages (default registries.pullSecrets). */
  readonly settingsKey?: string;
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

/** The namespace name comes from the review: validated like any other name put into a path. */
function namespacePath(name: string): string {
  if (!DNS_LABEL.test(name))
    throw new KubeError(
      'invalidName',
      `the namespace ${JSON.stringify(name.slice(0, 70))} is not a valid namespace name`,
    );
  return `/api/v1/namespaces/${name}`;
}

/** Fixes that differ from the pull-secret ones (errors.ts) for objects other than secrets. */
type KubeFixes = Partial<Record<KubeFailureKind, string>>;

const NAMESPACE_FIXES: KubeFixes = {
  forbidden: "grant the webhook's service account get on namespaces (RBAC, manifests/imagegate.yaml)",
  notFound: 'the namespace is not (or no longer) known to the API server; retry once it exists',
  timeout: 'retry; raise admission.namespaceLabels.timeoutMs, or the webhook timeoutSeconds',
};

function statusError(status: number, what: string, fixes: KubeFixes = {}): KubeError {
  switch (status) {
    case 401:
      return new KubeError(
        'unauthorized',
        `reading ${what}: the API server refused the service account token (HTTP 401)`,
      );
    case 403:
      return new KubeError('forbidden', `reading ${what}: forbidden (HTTP 403)`, { fix: fixes.forbidden });
    case 404:
      return new KubeError('notFound', `${what} does not exist (HTTP 404)`, { fix: fixes.notFound });
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
  const namespaces = new FlightCache<KubeNamespace, KubeError>(cacheOpts);
  const timeoutKey = `${opts.settingsKey ?? 'registries.pullSecrets'}.timeoutMs`;
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

  async function fetchObject(path: string, what: string, outer: AbortSignal, fixes?: KubeFixes): Promise<unknown> {
    const deadline = startDeadline({
      ms: opts.timeoutMs,
      parent: outer,
      what: `${timeoutKey} = ${opts.timeoutMs} ms`,
    });
    const { signal } = deadline;
    try {
      let reply = await request(path, signal);
      if (reply.status === 401) {
        // The token may have rotated under us between stat and use: read it again, once.
        token.invalidate();
        reply = await request(path, signal);
      }
      if (reply.status !== 200) throw statusError(reply.status, what, fixes);
      try {
        return JSON.parse(reply.body.toString('utf8'));
      } catch {
        throw new KubeError('protocol', `reading ${what}: the answer is not JSON`);
      }
    } catch (err) {
      if (err instanceof KubeError) throw err;
      if (signal.aborted) {
        const within = deadline.expired ? `${opts.timeoutMs} ms (${timeoutKey})` : 'the review deadline';
        throw new KubeError('timeout', `reading ${what}: no answer within ${within}`, {
          cause: err,
          fix: fixes?.timeout,
        });
      }
      const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? ` (${err.code})` : '';
      throw new KubeError('unavailable', `reading ${what}: the API server cannot be reached${code}`, { cause: err });
    } finally {
      deadline.dispose();
    }
  }

  async function get<T>(opts: {
    readonly cache: FlightCache<T, KubeError>;
    /** Builds the path; throws KubeError invalidName for a name that could reshape it. */
    readonly path: () => string;
    readonly what: string;
    readonly signal: AbortSignal;
    readonly parse: (doc: unknown, what: string) => T;
    readonly fixes?: KubeFixes;
  }): Promise<T> {
    const { cache, what, parse } = opts;
    const path = opts.path();
    const settled = await cache.get({
      key: path,
      signal: opts.signal,
      // Parsed inside the flight so the cache holds only what parse keeps, and bad objects fail once.
      work: async (signal) => parse(await fetchObject(path, what, signal, opts.fixes), what),
      toError: (err) =>
        err instanceof KubeError
          ? err
          : new KubeError('protocol', `reading ${what}: unexpected failure`, { cause: err }),
      cacheable: (e) => e.kind === 'notFound' || e.kind === 'forbidden',
      onAbort: () =>
        new KubeError('timeout', `reading ${what}: the review deadline passed`, { fix: opts.fixes?.timeout }),
    });
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  return {
    getSecret: (g) =>
      get({
        cache: secrets,
        path: () => objectPath('secrets', g.namespace, g.name),
        what: `secret ${g.namespace}/${g.name}`,
        signal: g.signal,
        parse: parseSecret,
      }),
    getServiceAccount: (g) =>
      get({
        cache: accounts,
        path: () => objectPath('serviceaccounts', g.namespace, g.name),
        what: `service account ${g.namespace}/${g.name}`,
        signal: g.signal,
        parse: parseServiceAccount,
      }),
    getNamespace: (g) =>
      get({
        cache: namespaces,
        path: () => namespacePath(g.name),
        what: `namespace ${g.name}`,
        signal: g.signal,
        parse: parseNamespace,
        fixes: NAMESPACE_FIXES,
      }),
    async close() {
      await owned?.close();
    },
  };
}
