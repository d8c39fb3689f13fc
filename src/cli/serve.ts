import { defaultConfig, loadConfigFile, type Config } from '../config/index.js';
import { createLogger } from '../log/index.js';
import { createMetrics, registryMetricsSink, startServer } from '../server/index.js';
import { loadDecider } from '../policy/index.js';
import { createRegistryPinner } from '../registry/index.js';
import { createNamespaceLabelsReader } from '../kube/index.js';

/** `imagegate serve [--config FILE]`: runs the webhook until SIGTERM/SIGINT. */
export async function serveCommand(opts: { readonly configFile?: string }): Promise<void> {
  const config: Config = opts.configFile === undefined ? defaultConfig : await loadConfigFile(opts.configFile);
  const logger = createLogger({ level: config.log.level });
  const decider = await loadDecider({
    policy: config.policy,
    note: (message) => logger.warn({ event: 'policy.compiling' }, message),
  });
  // Only registries.hosts are ever contacted; with none, every tag stays unpinned with a warning.
  const metrics = createMetrics();
  const pinner = createRegistryPinner({ registries: config.registries, metrics: registryMetricsSink(metrics) });
  const { namespaceLabels: labelsConfig } = config.admission;
  const namespaceLabels = labelsConfig.enabled
    ? createNamespaceLabelsReader({ config: labelsConfig, connection: config.registries.pullSecrets })
    : undefined;
  const running = await startServer({
    config,
    logger,
    decider,
    pinner,
    metrics,
    ...(namespaceLabels === undefined ? {} : { namespaceLabels }),
  });
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
          await Promise.all([pinner.close(), decider.close(), namespaceLabels?.close()]);
        })
        .then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
