import type { FactGatherer, ImageFacts } from '../admission/index.js';
import type { ImageRef } from '../images/index.js';
import type { PullCredentialsSource, RegistryPinner, ResolveResult } from '../registry/index.js';
import { CachedSource } from './cached.js';
import { checkSources, noFactMetrics, type FactMetrics, type FactSource } from './source.js';

/** Answers kept per fact source when no `maxEntriesPerSource` is given. */
export const DEFAULT_MAX_ENTRIES_PER_SOURCE = 10_000;

/** What the gatherer needs of the registry room: the Pinner's own resolver and pull credentials. */
export type RegistryAccess = Pick<RegistryPinner, 'resolver' | 'pullCredentials'>;

export interface FactGathererOptions {
  /**
   * The registry pinner whose resolver (and single-flight cache) `/mutate` pins through: a tag is
   * resolved once for both webhooks, so `/validate` judges the digest `/mutate` pins. Its clock
   * is the one every `validUntil` is measured on.
   */
  readonly registry: RegistryAccess;
  /** Asked for every digest, concurrently; their names are the keys of `facts`. */
  readonly sources: readonly FactSource[];
  /** Answers kept per source (least recently used go first); default 10,000. */
  readonly maxEntriesPerSource?: number;
  /** Told whether each lookup was a cache hit, a miss or an error; default none. */
  readonly metrics?: FactMetrics;
}

/**
 * The facts stage: for each image, the digest to judge (the one written in it, never resolved;
 * else its tag resolved through the registry's resolver, where an untrusted host fails without
 * any I/O), then every fact source's answer for that digest, concurrently, under the review's
 * signal. A source that fails gives `{ error: { code, message } }`, never an absent fact.
 * @throws ImagegateError IMAGEGATE_FACTS_SOURCE_INVALID for a bad or duplicate source name or TTL
 */
export function createFactGatherer(opts: FactGathererOptions): FactGatherer {
  checkSources(opts.sources);
  const { resolver } = opts.registry;
  const maxEntries = opts.maxEntriesPerSource ?? DEFAULT_MAX_ENTRIES_PER_SOURCE;
  const metrics = opts.metrics ?? noFactMetrics;
  const sources = opts.sources.map((s) => new CachedSource(s, { clock: resolver.clock, maxEntries, metrics }));
  const stage = { registry: opts.registry, sources };
  return {
    get revision() {
      return JSON.stringify(sources.map(({ source }) => [source.name, source.revision]));
    },
    gather: ({ images, signal, context }) => {
      const pull = opts.registry.pullCredentials({ signal, ...(context === undefined ? {} : { context }) });
      return Promise.all(images.map((ref) => factsOf({ ...stage, ref, signal, pull })));
    },
  };
}

interface Lookup {
  readonly registry: RegistryAccess;
  readonly sources: readonly CachedSource[];
  readonly ref: ImageRef;
  readonly signal: AbortSignal;
  readonly pull: PullCredentialsSource | undefined;
}

async function factsOf(job: Lookup): Promise<ImageFacts> {
  const { ref, signal, sources } = job;
  // A digest the image carries is the one the node pulls: its tag is never resolved (and may point elsewhere).
  const pull = job.pull;
  if (ref.digest !== undefined)
    return withFacts({ sources, ref, signal, pull, digest: ref.digest, validUntil: Infinity });
  const resolved = await resolveTag(job);
  const resolvedFrom = ref.tag ?? 'latest';
  if (!resolved.ok) {
    const { code, message } = resolved.error;
    const error = { code, message: `not looked up: the image has no digest (${message})` };
    return {
      resolvedFrom,
      resolutionError: { code, message },
      facts: Object.fromEntries(sources.map(({ source }) => [source.name, { error }])),
      validUntil: resolved.validUntil,
    };
  }
  const { digest } = resolved.resolution;
  const judged = await withFacts({ sources, ref, signal, pull, digest, validUntil: resolved.validUntil });
  return { ...judged, resolvedFrom };
}

function resolveTag(job: Lookup): Promise<ResolveResult> {
  const { ref, signal, pull } = job;
  return job.registry.resolver.resolve({ ref, signal, ...(pull === undefined ? {} : { pullCredentials: pull }) });
}

async function withFacts(opts: {
  readonly sources: readonly CachedSource[];
  readonly ref: ImageRef;
  readonly signal: AbortSignal;
  readonly pull: PullCredentialsSource | undefined;
  readonly digest: string;
  readonly validUntil: number;
}): Promise<ImageFacts> {
  const { digest, signal, pull } = opts;
  const repository = `${opts.ref.domain.toLowerCase()}/${opts.ref.path}`;
  const answers = await Promise.all(
    opts.sources.map(async (s) => ({
      name: s.source.name,
      ...(await s.answer({ digest, repository, signal, ...(pull === undefined ? {} : { pullCredentials: pull }) })),
    })),
  );
  return {
    digest,
    facts: Object.fromEntries(answers.map((a) => [a.name, a.fact])),
    validUntil: Math.min(opts.validUntil, ...answers.map((a) => a.validUntil)),
  };
}
