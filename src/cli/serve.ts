import { defaultConfig, loadConfigFile, type Config } from '../config/index.js';
import { createLogger } from '../log/index.js';
import { createMetrics, registryMetricsSink, startServer } from '../server/index.js';
import { loadDecider } from '../policy/index.js';
import { createRegistryPinner } from '../registry/index.js';
import { createFactGatherer } from '../facts/index.js';
import { createHealthSource } from '../health/index.js';
import { createSignatureSource } from '../signatures/index.js';
import { isRecord } from '../guards/index.js';
import { createNamespaceLabelsReader } from '../kube/index.js';

/** `imagegate serve [--config FILE]`: runs the webhook until SIGTERM/SIGINT. */
export async function serveCommand(opts: { readonly configFile?: string }): Promise<void> {
  const config: Config = opts.configFile === undefined ? defaultConfig : await loadConfigFile(opts.configFile);
  const logger = createLogger({ level: config.log.level });
  const decider = await loadDecider({
    policy: derivedPolicy(config),
    note: (message) => logger.warn({ event: 'policy.compiling' }, message),
  });
  // Only registries.hosts are ever contacted; with none, every tag stays unpinned with a warning.
  const metrics = createMetrics();
  const pinner = createRegistryPinner({ registries: config.registries, metrics: registryMetricsSink(metrics) });
  const { namespaceLabels: labelsConfig } = config.admission;
  const namespaceLabels = labelsConfig.enabled
    ? createNamespaceLabelsReader({ config: labelsConfig, connection: config.registries.pullSecrets })
    : undefined;
  // One resolver for both webhooks: /validate judges the digest /mutate pins (same cache, same credentials).
  const health = config.health.sources.length > 0 ? createHealthSource({ config: config.health }) : undefined;
  // Signatures are read through the resolver's own hosts and SSRF guard: never a host outside registries.hosts.
  const signatures =
    config.signatures.policies.length > 0
      ? createSignatureSource({ config: config.signatures, artifacts: pinner.resolver.artifacts })
      : undefined;
  const sources = [health, signatures].filter((s) => s !== undefined);
  const gatherer = createFactGatherer({ registry: pinner, sources });
  const running = await startServer({
    config,
    logger,
    decider,
    pinner,
    gatherer,
    metrics,
    ...(namespaceLabels === undefined ? {} : { namespaceLabels }),
  });
  const keying = decider.verdictKeying;
  if (keying.kind === 'input-paths')
    logger.info(
      { event: 'policy.verdict_cache', keying: keying.kind, inputPaths: keying.paths.length },
      `verdicts are cached, keyed on the ${keying.paths.length} input path(s) the policy reads`,
    );
  else if (keying.kind === 'whole-input')
    logger.warn(
      { event: 'policy.verdict_cache', keying: keying.kind, reason: keying.reason },
      `verdicts are cached keyed on the whole input except request.uid: ${keying.reason}; rebuild the bundle with \`imagegate policy build\` to key on the paths it reads`,
    );
  else
    logger.info(
      { event: 'policy.verdict_cache', keying: keying.kind, reason: keying.reason },
      `verdicts are not cached: ${keying.reason}`,
    );
  logger.info(
    {
      event: 'server.started',
      port: running.port,
      config: opts.configFile ?? '(embedded defaults)',
      policy: decider.source,
      revision: decider.revision,
    },
    `imagegate listening on https://${config.server.host}:${running.port} (POST /validate, POST /mutate)`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ event: 'server.stopping', signal }, 'shutting down: finishing in-flight reviews');
      running
        .close()
        .then(async () => {
          await Promise.all([pinner.close(), decider.close(), health?.close(), namespaceLabels?.close()]);
        })
        .then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/**
 * The policy settings with what the config implies for the shipped rules: configured
 * `health.sources` turn the health-grade rule on (`data.imagegate.config.health.enabled`), and
 * `signatures.policies` the signatures rule (`data.imagegate.config.signatures.enabled`), each
 * unless `policy.data` says otherwise.
 */
export function derivedPolicy(config: Config): Config['policy'] {
  let policy = config.policy;
  if (config.health.sources.length > 0) policy = enabled(policy, 'health', {});
  const patterns = config.signatures.policies.flatMap((p) => p.repositories);
  // The rule denies an unchecked image (no digest, registry down) only where a policy needs signatures.
  if (patterns.length > 0) policy = enabled(policy, 'signatures', { repositories: [...new Set(patterns)] });
  return policy;
}

function enabled(policy: Config['policy'], rule: string, defaults: Record<string, unknown>): Config['policy'] {
  const data = policy.data ?? {};
  const imagegate = isRecord(data.imagegate) ? data.imagegate : {};
  const settings = isRecord(imagegate.config) ? imagegate.config : {};
  const section = isRecord(settings[rule]) ? settings[rule] : {};
  if ('enabled' in section) return policy;
  const on = {
    ...data,
    imagegate: { ...imagegate, config: { ...settings, [rule]: { ...defaults, ...section, enabled: true } } },
  };
  return { ...policy, data: on };
}
