import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/index.js';
import {
  factMetricsSink,
  instrumentDecider,
  registryMetricsSink,
  type Metrics,
  type ReviewDeps,
} from '../server/index.js';
import { loadDecider, policyOf } from '../policy/index.js';
import { createRegistryPinner } from '../registry/index.js';
import { createFactGatherer, type FactSource } from '../facts/index.js';
import { createHealthSource } from '../health/index.js';
import { createSignatureSource, loadSigstoreTrust } from '../signatures/index.js';
import { createNamespaceLabelsReader } from '../kube/index.js';

type LoadedDecider = Awaited<ReturnType<typeof loadDecider>>;
type HealthSource = ReturnType<typeof createHealthSource>;
type RegistryPinner = ReturnType<typeof createRegistryPinner>;
type LabelsReader = ReturnType<typeof createNamespaceLabelsReader>;

/**
 * What `imagegate serve` runs reviews with, and the config each part was built from: a reload
 * rebuilds only the parts whose settings (or, for the decider, whose bundle or directory
 * content) changed, and closes the old ones once no review holds them.
 */
export interface ServeParts {
  readonly config: Config;
  /** sha256 of the config file's bytes, or "(embedded defaults)". */
  readonly configHash: string;
  /** Hash of the policy bundle file or directory content the decider was built from ("" for the shipped policies). */
  readonly policyHash: string;
  readonly decider: LoadedDecider;
  readonly pinner: RegistryPinner;
  readonly health: HealthSource | undefined;
  /** The `signatures` fact source, when `signatures.policies` are configured (nothing to close). */
  readonly signatures: FactSource | undefined;
  readonly namespaceLabels: LabelsReader | undefined;
  /** What reviews see: the above wired together, the decider instrumented. */
  readonly deps: ReviewDeps;
}

/**
 * Builds the parts for `config`, reusing those of `previous` whose settings are unchanged.
 * Throws (an ImagegateError from the part that failed) with nothing left open: parts built
 * before the failure are closed.
 */
export async function buildServeParts(opts: {
  readonly config: Config;
  readonly configHash: string;
  readonly policyHash: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly previous?: ServeParts;
}): Promise<ServeParts> {
  const { config, previous, logger, metrics } = opts;
  const built: Part[] = [];
  try {
    // The decider is rebuilt only when its bundle or the data the config implies (policyOf) changed.
    const reuseDecider =
      previous?.policyHash === opts.policyHash && isDeepStrictEqual(policyOf(previous.config), policyOf(config));
    const decider = reuseDecider
      ? previous.decider
      : await loadDecider({
          policy: policyOf(config),
          note: (message) => logger.warn({ event: 'policy.compiling' }, message),
        });
    if (!reuseDecider) built.push(decider);
    // Only registries.hosts are ever contacted; with none, every tag stays unpinned with a warning.
    const pinner =
      previous !== undefined && isDeepStrictEqual(previous.config.registries, config.registries)
        ? previous.pinner
        : own(built, createRegistryPinner({ registries: config.registries, metrics: registryMetricsSink(metrics) }));
    const health =
      previous !== undefined && isDeepStrictEqual(previous.config.health, config.health)
        ? previous.health
        : config.health.sources.length > 0
          ? own(built, createHealthSource({ config: config.health }))
          : undefined;
    const labelsConfig = config.admission.namespaceLabels;
    const namespaceLabels =
      previous !== undefined &&
      isDeepStrictEqual(previous.config.admission.namespaceLabels, labelsConfig) &&
      isDeepStrictEqual(previous.config.registries.pullSecrets, config.registries.pullSecrets)
        ? previous.namespaceLabels
        : labelsConfig.enabled
          ? own(built, createNamespaceLabelsReader({ config: labelsConfig, connection: config.registries.pullSecrets }))
          : undefined;
    // Read through the pinner's resolver: its hosts, credentials and SSRF guard, never another host.
    const signatures =
      previous?.pinner === pinner && isDeepStrictEqual(previous.config.signatures, config.signatures)
        ? previous.signatures
        : await signatureSource(config, pinner);
    // One resolver for both webhooks: /validate judges the digest /mutate pins (same cache, same credentials).
    const sources = [health, signatures].filter((s) => s !== undefined);
    const gatherer = createFactGatherer({ registry: pinner, sources, metrics: factMetricsSink(metrics) });
    const deps: ReviewDeps = {
      config,
      decider: reuseDecider ? previous.deps.decider : instrumentDecider({ decider, metrics }),
      pinner,
      gatherer,
      revision: decider.revision,
      configHash: opts.configHash,
      ...(namespaceLabels === undefined ? {} : { namespaceLabels }),
    };
    return { ...opts, decider, pinner, health, signatures, namespaceLabels, deps };
  } catch (err) {
    await Promise.allSettled(built.map((p) => p.close()));
    throw err;
  }
}

function own<T extends Part>(built: Part[], part: T): T {
  built.push(part);
  return part;
}

/** A part some generation uses: closed when the last generation using it is retired. */
interface Part {
  close(): Promise<void>;
}

/**
 * Counts the generations using each part (a reused pinner spans several), so a part is closed
 * exactly once, when the last generation holding it has drained, whatever order they drain in.
 */
export interface PartLedger {
  retain(parts: ServeParts): void;
  /** Closes the parts of `parts` no other retained generation uses. */
  release(parts: ServeParts): Promise<void>;
}

export function createPartLedger(): PartLedger {
  const uses = new Map<Part, number>();
  const partsOf = (p: ServeParts): Part[] =>
    [p.decider, p.pinner, p.health, p.namespaceLabels].filter((x): x is NonNullable<typeof x> => x !== undefined);
  return {
    retain: (parts) => {
      for (const part of partsOf(parts)) uses.set(part, (uses.get(part) ?? 0) + 1);
    },
    release: async (parts) => {
      const closing: Promise<void>[] = [];
      for (const part of partsOf(parts)) {
        const n = (uses.get(part) ?? 1) - 1;
        if (n > 0) uses.set(part, n);
        else {
          uses.delete(part);
          closing.push(part.close());
        }
      }
      await Promise.all(closing);
    },
  };
}

/**
 * The `signatures` fact source of `config`, its Sigstore trust material loaded first (the TUF
 * mirror of `signatures.tuf` when set, falling back to its cache and `trustedRootFile`);
 * undefined without `signatures.policies`.
 */
async function signatureSource(config: Config, pinner: RegistryPinner): Promise<FactSource | undefined> {
  const { signatures } = config;
  if (signatures.policies.length === 0) return undefined;
  const { trustedRootFile, tuf } = signatures;
  const trust =
    trustedRootFile === undefined && tuf === undefined
      ? undefined
      : await loadSigstoreTrust({
          ...(trustedRootFile === undefined ? {} : { trustedRootFile }),
          ...(tuf === undefined ? {} : { tuf }),
        });
  return createSignatureSource({
    config: signatures,
    artifacts: pinner.resolver.artifacts,
    ...(trust === undefined ? {} : { trust }),
  });
}
