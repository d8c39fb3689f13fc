import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { defaultConfig, parseConfig, type Config } from '../config/index.js';
import { ImagegateError, errorMessage } from '../errors/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { createMetrics, createSwappable, startServer, type Metrics, type RunningServer } from '../server/index.js';
import { buildServeParts, createPartLedger } from './serve-parts.js';
import { EMBEDDED_CONFIG, policyContentHash, startReloader, type Reloader } from './reload.js';

/** A running `imagegate serve`: the server, its reloader, and the shutdown SIGTERM starts. */
export interface Serving {
  readonly running: RunningServer;
  readonly reloader: Reloader;
  readonly metrics: Metrics;
  /**
   * Graceful shutdown: /readyz answers 503 at once while reviews, new ones included, are still
   * answered for `server.drainMs` (the endpoints controller takes the pod out of the Service
   * meanwhile); then the server stops accepting, answers the reviews in flight, and every
   * evaluator thread and connection pool is closed. `now` skips what is left of the drain
   * period (a second signal). Idempotent.
   */
  shutdown(opts?: { readonly now?: boolean }): Promise<void>;
}

/** Starts the webhook as `imagegate serve` does, with hot reload; `logger` default JSON lines on stdout. */
export async function startServing(opts: { readonly configFile?: string; readonly logger?: Logger }): Promise<Serving> {
  const { config, configHash } = await initialConfig(opts.configFile);
  const logger = opts.logger ?? createLogger({ level: config.log.level });
  const metrics = createMetrics();
  const parts = await buildServeParts({
    config,
    configHash,
    policyHash: await policyContentHash(config.policy),
    logger,
    metrics,
  });
  const ledger = createPartLedger();
  ledger.retain(parts);
  const live = createSwappable(parts.deps);
  const running = await startServer({
    config,
    logger,
    decider: parts.deps.decider,
    metrics,
    live,
  }).catch(async (err: unknown) => {
    await ledger.release(parts);
    throw err;
  });
  // Verdict cache counts of deciders already replaced, so the exported counter never goes down.
  const cacheBase = { hits: 0, misses: 0 };
  const reloader = startReloader({
    onSwap: (old, next) => {
      if (old.decider === next.decider) return;
      const { hits, misses } = old.decider.status().verdictCache;
      cacheBase.hits += hits;
      cacheBase.misses += misses;
    },
    ...(opts.configFile === undefined ? {} : { configFile: opts.configFile }),
    initial: parts,
    live,
    ledger,
    logger,
    metrics,
  });
  metrics.probes.verdictCache = () => {
    const { hits, misses } = reloader.current().decider.status().verdictCache;
    return { hits: cacheBase.hits + hits, misses: cacheBase.misses + misses };
  };
  if (parts.deps.revision !== undefined) metrics.policyRevision.set({ revision: parts.deps.revision }, 1);
  logVerdictKeying(logger, parts.decider.verdictKeying);
  logger.info(
    {
      event: 'server.started',
      port: running.port,
      config: opts.configFile ?? EMBEDDED_CONFIG,
      policy: parts.decider.source,
      revision: parts.decider.revision,
      reloadIntervalMs: config.reload.intervalMs,
    },
    `imagegate listening on https://${config.server.host}:${running.port} (POST /validate, POST /mutate)`,
  );
  let skipDrain: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    running.drain();
    const { drainMs } = config.server;
    logger.info(
      { event: 'server.draining', drainMs, inFlight: live.inFlight() },
      `shutting down: /readyz fails now; still answering reviews for ${drainMs} ms`,
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, drainMs);
      skipDrain = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    await reloader.stop();
    logger.info(
      { event: 'server.stopping', inFlight: live.inFlight() },
      'no longer accepting; finishing in-flight reviews',
    );
    await running.close();
    await ledger.release(reloader.current());
    logger.info({ event: 'server.stopped' }, 'stopped');
  };
  return {
    running,
    reloader,
    metrics,
    shutdown: (o) => {
      if (o?.now === true) skipDrain?.();
      stopping ??= shutdown();
      return stopping;
    },
  };
}

/** `imagegate serve [--config FILE]`: runs the webhook until SIGTERM/SIGINT, then shuts down gracefully. */
export async function serveCommand(opts: { readonly configFile?: string }): Promise<void> {
  const serving = await startServing(opts);
  await new Promise<void>((resolve, reject) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals): void => {
      signals++;
      serving.running.app.log.info({ event: 'server.signal', signal }, `${signal} received`);
      // A second signal ends the drain period at once; in-flight reviews are still answered.
      serving.shutdown({ now: signals > 1 }).then(resolve, reject);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

async function initialConfig(file: string | undefined): Promise<{ config: Config; configHash: string }> {
  if (file === undefined) return { config: defaultConfig, configHash: EMBEDDED_CONFIG };
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_CONFIG_UNREADABLE',
      `cannot read config file ${JSON.stringify(file)}: ${errorMessage(err)}; check the path given to --config`,
      { cause: err },
    );
  }
  const config = parseConfig({ text: bytes.toString('utf8'), source: file });
  return { config, configHash: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

type Keying = Awaited<ReturnType<typeof buildServeParts>>['decider']['verdictKeying'];

function logVerdictKeying(logger: Logger, keying: Keying): void {
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
}
