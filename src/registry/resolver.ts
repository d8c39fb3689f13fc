import { Agent, type Dispatcher } from 'undici';
import type { RegistriesConfig } from '../config/index.js';
import type { ImageRef } from '../images/index.js';
import { RegistryAuth } from './auth.js';
import { resolveTag, type Resolution } from './client.js';
import { credentialsId, type Credentials, type CredentialsProvider } from './credentials.js';
import { ImagegateError } from '../errors/index.js';
import { REGISTRY_CODES, RegistryProblem, imageError, problem } from './errors.js';
import { AddressPins, systemResolver, type HostResolver } from './addresses.js';
import { noMetrics, UNTRUSTED_HOST_LABEL, type RegistryMetrics } from './metrics.js';
import type { PullCredentials } from './pullsecrets.js';
import { classify } from './failures.js';
import { FlightCache, type Clock } from '../cache/index.js';
import type { LookupContext } from './http.js';
import { Semaphore } from './limiter.js';
import { startDeadline } from '../admission/index.js';
import { loadRegistrySettings, type RegistrySettings } from './settings.js';
import { createArtifactReader, type ArtifactReader, type ArtifactSession } from './artifacts.js';
import { tryParseImageReference } from '../images/index.js';

export interface RegistryResolverOptions {
  readonly registries: RegistriesConfig;
  /** Used for every registry when given (its TLS trust is then the caller's); else one Agent per registry with its caFile. */
  readonly dispatcher?: Dispatcher;
  /** Milliseconds for cache TTLs and deadlines; default performance.now. */
  readonly clock?: Clock;
  /** Asked for credentials of registries whose config entry has none. */
  readonly credentials?: CredentialsProvider;
  /** [0, 1) source of retry jitter; default Math.random. */
  readonly random?: () => number;
  /** Reads CA bundles and password files at creation; default fs.readFileSync(…, 'utf8'). */
  readonly readFile?: (file: string) => string;
  /** Resolves registry host names for the SSRF guard; default dns.promises.lookup(…, { all: true }). */
  readonly resolveHost?: HostResolver;
  /** Told about every lookup (host, result, seconds); default none. */
  readonly metrics?: RegistryMetrics;
}

/** Credentials of the object under review (its pull secrets), read once per pin call. */
export type PullCredentialsSource = () => Promise<PullCredentials>;

/**
 * `validUntil`: the clock time (ms, the resolver's Clock) after which this answer is no longer the
 * one served: a resolution's cache entry expires (registries.cacheTtlMs), a remembered failure's
 * (failureTtlMs) does, or at once for what is not cached (timeouts). An untrusted host's refusal
 * depends only on the configuration, so it holds for good (Infinity).
 */
export type ResolveResult =
  | {
      readonly ok: true;
      readonly resolution: Resolution;
      readonly registry: string;
      readonly cached: boolean;
      readonly validUntil: number;
    }
  | { readonly ok: false; readonly error: ImagegateError; readonly validUntil: number };

/** Resolves tags of trusted registries to digests, with caching and single-flight. */
export interface RegistryResolver {
  /** The clock `validUntil` and every TTL of this resolver are measured on. */
  readonly clock: Clock;
  /** Never rejects; an image on an untrusted host fails without any network I/O. */
  resolve(opts: {
    readonly ref: ImageRef;
    readonly signal: AbortSignal;
    readonly pullCredentials?: PullCredentialsSource;
  }): Promise<ResolveResult>;
  /** Signature artifacts on the same hosts, credentials, limits and SSRF guard (never another host). */
  readonly artifacts: ArtifactReader;
  /** Closes the connection pools this resolver created (not a dispatcher passed in). */
  close(): Promise<void>;
}

interface Host {
  readonly settings: RegistrySettings;
  readonly dispatcher: Dispatcher;
  readonly limiter: Semaphore;
}

function agentFor(s: RegistrySettings): Agent {
  return new Agent({ connections: s.maxConcurrency, ...(s.ca === undefined ? {} : { connect: { ca: s.ca } }) });
}

/**
 * @throws ImagegateError IMAGEGATE_REGISTRY_CONFIG_INVALID when a CA bundle or password file
 *   cannot be read or a mirror points at an unlisted host.
 */
export function createRegistryResolver(opts: RegistryResolverOptions): RegistryResolver {
  const table = loadRegistrySettings(opts.registries, ...(opts.readFile === undefined ? [] : [opts.readFile]));
  const clock = opts.clock ?? { now: () => performance.now() };
  const random = opts.random ?? Math.random;
  const owned: Agent[] = [];
  const hosts = new Map<string, Host>();
  for (const settings of table.registries.values()) {
    const dispatcher = opts.dispatcher ?? agentFor(settings);
    if (dispatcher instanceof Agent && dispatcher !== opts.dispatcher) owned.push(dispatcher);
    hosts.set(settings.host, { settings, dispatcher, limiter: new Semaphore(settings.maxConcurrency) });
  }
  const auth = new RegistryAuth(clock);
  const cache = new FlightCache<Resolution, RegistryProblem>({
    clock,
    maxEntries: opts.registries.cacheMaxEntries,
    ttlMs: opts.registries.cacheTtlMs,
    failureTtlMs: opts.registries.failureTtlMs,
  });

  const metrics = opts.metrics ?? noMetrics;
  const resolveHost = opts.resolveHost ?? systemResolver;

  /** Runs `work` with one lookup's context: its deadline (registries.hosts[].timeoutMs under `parent`) and SSRF guard. */
  async function withContext<T>(host: Host, parent: AbortSignal, work: (ctx: LookupContext) => Promise<T>): Promise<T> {
    const { settings } = host;
    // Starts when the flight starts: waiting for a request slot (maxConcurrency) counts against it.
    const deadline = startDeadline({
      ms: settings.timeoutMs,
      parent,
      what: `registries.hosts[].timeoutMs = ${settings.timeoutMs} ms`,
    });
    try {
      const { signal } = deadline;
      const addresses = new AddressPins({ resolve: resolveHost, blocked: table.blocked, signal });
      return await work({ ...host, signal, deadlineAt: clock.now() + settings.timeoutMs, clock, random, addresses });
    } finally {
      deadline.dispose();
    }
  }

  function lookup(host: Host, job: Job, flight: AbortSignal): Promise<Resolution> {
    return withContext(host, flight, (ctx) =>
      resolveTag({
        ctx,
        auth,
        credentials: job.credentials,
        path: job.path,
        tag: job.tag,
        maxManifestBytes: opts.registries.maxManifestBytes,
        maxIndexEntries: opts.registries.maxIndexEntries,
      }),
    );
  }

  const session: ArtifactSession = async (target, work) => {
    const parsed = tryParseImageReference(target.repository);
    if (!parsed.ok) throw parsed.error;
    const route = table.route(parsed.ref);
    if (route.kind === 'untrusted') {
      const p = problem('untrusted', route.problem);
      throw imageError({ image: target.repository, registry: route.host, problem: p });
    }
    const host = hosts.get(route.settings.host);
    if (host === undefined) throw new Error(`no host state for ${route.settings.host}`);
    const pull =
      route.settings.credentials === undefined && target.pullCredentials !== undefined
        ? await target.pullCredentials()
        : undefined;
    const credentials = await credentialsOf(route.settings, target.signal, pull);
    try {
      return await withContext(host, target.signal, (ctx) => work({ ctx, auth, credentials, path: route.path }));
    } catch (err) {
      const p = classify(err, target.signal, 'within the deadline');
      throw imageError({ image: target.repository, registry: route.settings.host, problem: p });
    }
  };
  const artifacts = createArtifactReader({
    session,
    maxManifestBytes: opts.registries.maxManifestBytes,
  });

  /** Static config credentials win; then the object's pull secrets; then the provider (asked only then). */
  function credentialsOf(
    settings: RegistrySettings,
    signal: AbortSignal,
    pull: PullCredentials | undefined,
  ): Credentials | undefined | Promise<Credentials | undefined> {
    return (
      settings.credentials ??
      pull?.byHost.get(settings.host) ??
      opts.credentials?.credentialsFor({ registry: settings.host, signal })
    );
  }

  function finish(started: number, host: string, result: ResolveResult): ResolveResult {
    metrics.lookup(
      host,
      result.ok ? (result.cached ? 'cached' : 'resolved') : result.error.code,
      Math.max(0, clock.now() - started) / 1000,
    );
    return result;
  }

  return {
    clock,
    artifacts,
    async resolve({ ref, signal, pullCredentials }) {
      const started = clock.now();
      const route = table.route(ref);
      if (route.kind === 'untrusted') {
        const p = problem('untrusted', route.problem);
        return finish(started, UNTRUSTED_HOST_LABEL, {
          ok: false,
          error: imageError({ image: ref.original, registry: route.host, problem: p }),
          validUntil: Infinity,
        });
      }
      const host = hosts.get(route.settings.host);
      if (host === undefined) throw new Error(`no host state for ${route.settings.host}`);
      const pull =
        route.settings.credentials === undefined && pullCredentials !== undefined ? await pullCredentials() : undefined;
      const known = credentialsOf(route.settings, signal, pull);
      const job: Job = {
        path: route.path,
        tag: ref.tag ?? 'latest',
        credentials: known instanceof Promise ? await known : known,
      };
      // Keyed by who asks too: one tenant's credentials never answer (or fail) for another.
      const key = `${route.settings.origin}/${job.path}:${job.tag}#${credentialsId(job.credentials)}`;
      const settled =
        cache.peek(key) ??
        (await cache.get({
          key,
          signal,
          work: (flight) => lookup(host, job, flight),
          toError: (err) => classify(err, signal, 'within the review deadline'),
          // A timeout says how busy the host or how short a deadline was, not what the image is:
          // the next review (perhaps with a longer deadline) tries again.
          cacheable: (p) => p.kind !== 'timeout',
          onAbort: () =>
            problem(
              'timeout',
              'no answer within the review deadline (the API server timeout minus admission.deadlineMarginMs)',
            ),
        }));
      const registry = route.settings.host;
      const validUntil = settled.expiresAt;
      if (settled.ok) {
        const { value: resolution, cached } = settled;
        return finish(started, registry, { ok: true, resolution, registry, cached, validUntil });
      }
      return finish(started, registry, {
        ok: false,
        error: failure(ref, registry, settled.error, job.credentials === undefined ? pull : undefined),
        validUntil,
      });
    },
    async close() {
      await Promise.all(owned.map((a) => a.close()));
    },
  };
}

interface Job {
  readonly path: string;
  readonly tag: string;
  readonly credentials: Credentials | undefined;
}

/**
 * The user-facing failure. When the registry wanted credentials that a pull secret we could not
 * read may have held, the unreadable secret is named first: it is the likely fix.
 */
function failure(
  ref: ImageRef,
  registry: string,
  p: RegistryProblem,
  pull: PullCredentials | undefined,
): ImagegateError {
  const unread = pull?.problems[0];
  if (p.kind !== 'unauthorized' || unread === undefined)
    return imageError({ image: ref.original, registry, problem: p });
  return new ImagegateError(
    REGISTRY_CODES.pullSecretUnavailable,
    `registry ${registry}: ${unread.message}; without it: ${p.problem} (image ${ref.original})`,
    { cause: unread },
  );
}
