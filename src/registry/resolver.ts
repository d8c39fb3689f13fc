import { Agent, type Dispatcher } from 'undici';
import type { RegistriesConfig } from '../config/index.js';
import type { ImagegateError } from '../errors/index.js';
import type { ImageRef } from '../images/index.js';
import { RegistryAuth } from './auth.js';
import { resolveTag, type Resolution } from './client.js';
import type { CredentialsProvider } from './credentials.js';
import { RegistryProblem, imageError, problem } from './errors.js';
import { classify } from './failures.js';
import { FlightCache } from './flights.js';
import type { Clock, LookupContext } from './http.js';
import { Semaphore } from './limiter.js';
import { loadRegistrySettings, type RegistrySettings } from './settings.js';

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
}

export type ResolveResult =
  | { readonly ok: true; readonly resolution: Resolution; readonly registry: string }
  | { readonly ok: false; readonly error: ImagegateError };

/** Resolves tags of trusted registries to digests, with caching and single-flight. */
export interface RegistryResolver {
  /** Never rejects; an image on an untrusted host fails without any network I/O. */
  resolve(opts: { readonly ref: ImageRef; readonly signal: AbortSignal }): Promise<ResolveResult>;
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

  async function lookup(host: Host, path: string, tag: string, flight: AbortSignal): Promise<Resolution> {
    const { settings } = host;
    const signal = AbortSignal.any([flight, AbortSignal.timeout(settings.timeoutMs)]);
    const ctx: LookupContext = { ...host, signal, deadlineAt: clock.now() + settings.timeoutMs, clock, random };
    const credentials = settings.credentials ?? (await opts.credentials?.credentialsFor({ registry: settings.host, signal }));
    return resolveTag({ ctx, auth, credentials, path, tag, maxManifestBytes: opts.registries.maxManifestBytes, maxIndexEntries: opts.registries.maxIndexEntries });
  }

  return {
    async resolve({ ref, signal }) {
      const route = table.route(ref);
      if (route.kind === 'untrusted') {
        const p = problem('untrusted', 'not in the trusted registries (registries.hosts)');
        return { ok: false, error: imageError({ image: ref.original, registry: route.host, problem: p }) };
      }
      const host = hosts.get(route.settings.host);
      if (host === undefined) throw new Error(`no host state for ${route.settings.host}`);
      const tag = ref.tag ?? 'latest';
      const settled = await cache.get({
        key: `${route.settings.origin}/${route.path}:${tag}`,
        signal,
        work: (flight) => lookup(host, route.path, tag, flight),
        toError: (err) => classify(err, signal, 'within the review deadline'),
        cacheable: () => true,
        onAbort: () => problem('timeout', 'no answer within the review deadline (the API server timeout minus admission.deadlineMarginMs)'),
      });
      if (settled.ok) return { ok: true, resolution: settled.value, registry: route.settings.host };
      return { ok: false, error: imageError({ image: ref.original, registry: route.settings.host, problem: settled.error }) };
    },
    async close() {
      await Promise.all(owned.map((a) => a.close()));
    },
  };
}
