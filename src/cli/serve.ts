import { defaultConfig, loadConfigFile, type Config } from '../config/index.js';
import { createLogger } from '../log/index.js';
import { startServer } from '../server/index.js';
import { loadDecider } from '../policy/index.js';

/** `imagegate serve [--config FILE]`: runs the webhook until SIGTERM/SIGINT. */
export async function serveCommand(opts: { readonly configFile?: string }): Promise<void> {
  const config: Config = opts.configFile === undefined ? defaultConfig : await loadConfigFile(opts.configFile);
  const logger = createLogger({ level: config.log.level });
  const decider = await loadDecider({ policy: config.policy });
  const running = await startServer({ config, logger, decider });
  logger.info(
    { event: 'server.started', port: running.port, config: opts.configFile ?? '(embedded defaults)', policy: config.policy.bundle ?? '(none: every image is denied)', revision: decider.revision },
    `imagegate listening on https://${config.server.host}:${running.port} (POST /validate, POST /mutate)`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ event: 'server.stopping', signal }, 'shutting down: finishing in-flight reviews');
      running.close().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
