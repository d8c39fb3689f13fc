import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { Decider, FactGatherer, NamespaceLabelsReader, Pinner } from '../admission/index.js';
import { ImagegateError, errorMessage } from '../errors/index.js';
import {
  ensureDevCertificates,
  loadCertificatePair,
  watchCertificatePair,
  type CertificatePairWatcher,
} from '../certs/index.js';
import { buildApp, type App } from './app.js';
import { createMetrics, type Metrics } from './metrics.js';
import { descriptorsNeeded, openFilesLimit } from './descriptors.js';
import type { ReviewDeps, Swappable } from './live.js';
import { readinessOf } from './readiness.js';

export interface StartServerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly decider: Decider;
  readonly pinner?: Pinner;
  /** The facts stage of /validate (see AppOptions). */
  readonly gatherer?: FactGatherer;
  readonly namespaceLabels?: NamespaceLabelsReader;
  readonly metrics?: Metrics;
  /** Hot-reloadable review dependencies (see AppOptions.live); absent: the fixed ones above. */
  readonly live?: Swappable<ReviewDeps>;
  /** The wall clock /readyz checks the certificate against (ms since the epoch); default Date.now. */
  readonly now?: () => number;
}

export interface RunningServer {
  readonly app: App;
  readonly port: number;
  readonly certPath: string;
  readonly caPath?: string;
  /** First step of a graceful shutdown: /readyz answers 503 from now on; reviews are still answered. */
  drain(): void;
  /** Stops accepting, answers the reviews in flight, then resolves. */
  close(): Promise<void>;
}

/**
 * Starts the HTTPS webhook. Without certFile/keyFile it generates a dev CA and serving
 * certificate into server.tls.generatedDir and says where. The served pair is re-read when it
 * changes on disk: new connections get the new certificate, open ones keep theirs.
 */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { config, logger } = opts;
  const tlsConfig = config.server.tls;
  const paths = await servingPaths(config, logger);
  const pair = loadCertificatePair(paths);
  const clientCA = tlsConfig.clientCAFile === undefined ? undefined : await readClientCA(tlsConfig.clientCAFile);
  const metrics = opts.metrics ?? createMetrics();
  let notAfterMs = certificateNotAfterMs(pair.cert);
  let draining = false;
  const now = opts.now ?? Date.now;
  metrics.probes.certificateNotAfterMs = () => notAfterMs;
  const app = buildApp({
    config,
    logger,
    decider: opts.decider,
    metrics,
    tls: { ...pair, ...(clientCA === undefined ? {} : { clientCA }) },
    ...(opts.pinner === undefined ? {} : { pinner: opts.pinner }),
    ...(opts.gatherer === undefined ? {} : { gatherer: opts.gatherer }),
    ...(opts.namespaceLabels === undefined ? {} : { namespaceLabels: opts.namespaceLabels }),
    ...(opts.live === undefined ? {} : { live: opts.live }),
    draining: () => draining,
    readiness: () =>
      readinessOf({
        draining,
        deps: opts.live?.current() ?? { config, decider: opts.decider },
        certificateNotAfterMs: notAfterMs,
        nowMs: now(),
      }),
  });
  let watcher: CertificatePairWatcher | undefined;
  const server = app.server;
  if (server instanceof TlsServer) {
    watcher = watchCertificatePair({
      ...paths,
      intervalMs: tlsConfig.reloadIntervalMs,
      onChange: (next) => {
        server.setSecureContext({
          cert: next.cert,
          key: next.key,
          ...(clientCA === undefined ? {} : { ca: clientCA }),
        });
        notAfterMs = certificateNotAfterMs(next.cert);
        metrics.certReloads.inc({ result: 'applied' });
        logger.info({ event: 'tls.reloaded', certPath: paths.certPath }, 'serving certificate reloaded');
      },
      onError: (err) => {
        metrics.certReloads.inc({ result: 'rejected' });
        logger.warn(
          { event: 'tls.reload_rejected', code: err.code, reason: err.message },
          'certificate change not applied; still serving the previous pair',
        );
      },
    });
  }
  server.on('drop', () => metrics.droppedConnections.inc());
  warnIfDescriptorsShort(config, logger);
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = server.address();
  const port =
    typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : config.server.port;
  return {
    app,
    port,
    certPath: paths.certPath,
    ...(paths.caPath === undefined ? {} : { caPath: paths.caPath }),
    drain: () => {
      draining = true;
    },
    close: async () => {
      watcher?.close();
      await app.close();
    },
  };
}

/** notAfter of the first certificate of a PEM chain (ms since the epoch); the pair loader has parsed it already. */
function certificateNotAfterMs(pem: string): number {
  return Date.parse(new X509Certificate(pem).validTo);
}

function warnIfDescriptorsShort(config: Config, logger: Logger): void {
  const limit = openFilesLimit();
  const needed = descriptorsNeeded({ config });
  if (limit === undefined || limit >= needed) return;
  logger.warn(
    { event: 'server.descriptors_short', openFilesLimit: limit, needed, maxConnections: config.server.maxConnections },
    `the open-files limit (${limit}) is below what server.maxConnections (${config.server.maxConnections}) plus registry connections need (${needed}): ` +
      'a connection flood can exhaust descriptors before the cap applies; lower server.maxConnections or raise the limit (ulimit -n)',
  );
}

async function servingPaths(
  config: Config,
  logger: Logger,
): Promise<{ certPath: string; keyPath: string; caPath?: string }> {
  const { certFile, keyFile, generatedDir } = config.server.tls;
  if (certFile !== undefined && keyFile !== undefined) return { certPath: certFile, keyPath: keyFile };
  if (certFile !== undefined || keyFile !== undefined) {
    throw new ImagegateError(
      'IMAGEGATE_CONFIG_INVALID',
      `server.tls needs both certFile and keyFile, got only ${certFile === undefined ? 'keyFile' : 'certFile'}; set both, or neither to generate a development certificate`,
    );
  }
  const dev = await ensureDevCertificates({ dir: generatedDir });
  logger.info(
    { event: 'tls.dev_certificates', created: dev.created, certPath: dev.certPath, caPath: dev.caPath },
    `${dev.created ? 'generated' : 'reusing'} development TLS certificate ${dev.certPath} (CA ${dev.caPath}); configure server.tls.certFile/keyFile for production`,
  );
  return { certPath: dev.certPath, keyPath: dev.keyPath, caPath: dev.caPath };
}

async function readClientCA(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_CERTS_UNREADABLE',
      `cannot read server.tls.clientCAFile ${JSON.stringify(file)}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}
