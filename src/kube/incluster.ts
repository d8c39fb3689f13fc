import { readFileSync } from 'node:fs';
import { errorMessage } from '../errors/index.js';
import type { PullSecretsConfig } from '../config/index.js';
import { createKubeClient, type KubeClient, type KubeClientOptions } from './client.js';
import { KubeError } from './errors.js';

/** Where the kubelet mounts the pod's service account credentials. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where the API server is and how one read behaves; registries.pullSecrets holds them. */
export type KubeConnectionConfig = Pick<
  PullSecretsConfig,
  'apiServer' | 'tokenFile' | 'caFile' | 'cacheTtlMs' | 'timeoutMs'
>;

export interface InClusterOptions {
  readonly config: KubeConnectionConfig;
  /** The config key that turned this client on, named in errors (default registries.pullSecrets.enabled). */
  readonly enabledBy?: string;
  /** The config section of cacheTtlMs and timeoutMs, named in timeout messages (default registries.pullSecrets). */
  readonly settingsKey?: string;
  /** Default process.env: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT locate the API server. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads the CA bundle at creation; default fs.readFileSync(…, 'utf8'). */
  readonly readFile?: (file: string) => string;
  readonly overrides?: Partial<Pick<KubeClientOptions, 'dispatcher' | 'tokenFs' | 'clock'>>;
}

function apiServerOf(
  config: KubeConnectionConfig,
  env: Readonly<Record<string, string | undefined>>,
  enabledBy: string,
): string {
  if (config.apiServer !== undefined) return config.apiServer;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (host === undefined || host === '' || port === undefined || !/^\d{1,5}$/.test(port)) {
    throw new KubeError(
      'configInvalid',
      `${enabledBy} is true but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (nor registries.pullSecrets.apiServer)`,
    );
  }
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The Kubernetes API client of a webhook running in a pod: API server from the environment,
 * token and CA from the mounted service account (paths from registries.pullSecrets).
 * @throws KubeError configInvalid when the API server is unknown or the CA cannot be read
 */
export function createInClusterKubeClient(opts: InClusterOptions): KubeClient {
  const { config } = opts;
  const apiServer = apiServerOf(config, opts.env ?? process.env, opts.enabledBy ?? 'registries.pullSecrets.enabled');
  let caPem: string;
  try {
    caPem = (opts.readFile ?? ((f: string) => readFileSync(f, 'utf8')))(config.caFile);
  } catch (err) {
    throw new KubeError(
      'configInvalid',
      `cannot read the API server CA ${JSON.stringify(config.caFile)}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return createKubeClient({
    ...opts.overrides,
    apiServer,
    caPem,
    tokenFile: config.tokenFile,
    cacheTtlMs: config.cacheTtlMs,
    timeoutMs: config.timeoutMs,
    ...(opts.settingsKey === undefined ? {} : { settingsKey: opts.settingsKey }),
  });
}
