import type { PinContext } from '../admission/index.js';
import { ImagegateError, errorMessage, isImagegateError } from '../errors/index.js';
import { parseDockerConfigJson, type Credentials } from './credentials.js';
import { REGISTRY_CODES } from './errors.js';
import { KubeError, type KubeClient, type KubeSecret } from '../kube/index.js';

/** Who is pulling: the object under review's namespace and pull-secret references. */
export type { PinContext } from '../admission/index.js';

/** Credentials by normalised registry host, and what could not be read (in reference order). */
export interface PullCredentials {
  readonly byHost: ReadonlyMap<string, Credentials>;
  readonly problems: readonly ImagegateError[];
}

const DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';
const DOCKER_CFG = 'kubernetes.io/dockercfg';
/** More references than this in one object are ignored (each costs an API read). */
const MAX_SECRETS = 32;

function secretInvalid(what: string, why: string): ImagegateError {
  return new ImagegateError(
    REGISTRY_CODES.pullSecretInvalid,
    `${what}: ${why}: recreate it with \`kubectl create secret docker-registry\``,
  );
}

/** The credentials one secret holds; messages name the secret and never quote its data. */
function credentialsOfSecret(secret: KubeSecret, what: string): ReadonlyMap<string, Credentials> {
  const key =
    secret.type === DOCKER_CONFIG_JSON ? '.dockerconfigjson' : secret.type === DOCKER_CFG ? '.dockercfg' : undefined;
  if (key === undefined)
    throw secretInvalid(
      what,
      `it has type ${JSON.stringify(secret.type.slice(0, 80))}, expected ${DOCKER_CONFIG_JSON}`,
    );
  const encoded = secret.data.get(key);
  if (encoded === undefined) throw secretInvalid(what, `it has no ${key} key`);
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    // The legacy .dockercfg format is the "auths" object alone.
    return parseDockerConfigJson(key === '.dockercfg' ? `{"auths":${text}}` : text);
  } catch (err) {
    throw new ImagegateError(REGISTRY_CODES.pullSecretInvalid, `${what}: ${errorMessage(err)}`, { cause: err });
  }
}

function asProblem(err: unknown): ImagegateError {
  return isImagegateError(err)
    ? err
    : new KubeError('unavailable', `reading pull secrets failed: ${errorMessage(err)}`, { cause: err });
}

/**
 * Reads the pod's imagePullSecrets, then its service account's, from the pod's namespace. For a
 * host named by several secrets the first in that order wins, as with the kubelet. Never rejects:
 * unreadable secrets become `problems`, shown only when a lookup then fails for want of them.
 */
export async function readPullCredentials(opts: {
  readonly kube: KubeClient;
  readonly context: PinContext;
  readonly signal: AbortSignal;
}): Promise<PullCredentials> {
  const { kube, context, signal } = opts;
  const { namespace } = context;
  const problems: ImagegateError[] = [];
  const account = context.serviceAccountName ?? 'default';
  const fromAccount = await kube.getServiceAccount({ namespace, name: account, signal }).then(
    (sa) => sa.imagePullSecrets,
    (err: unknown) => {
      problems.push(asProblem(err));
      return [];
    },
  );
  const names = [...new Set([...context.imagePullSecrets, ...fromAccount])].slice(0, MAX_SECRETS);
  const read = await Promise.all(
    names.map(async (name) => {
      try {
        return credentialsOfSecret(await kube.getSecret({ namespace, name, signal }), `secret ${namespace}/${name}`);
      } catch (err) {
        problems.push(asProblem(err));
        return new Map<string, Credentials>();
      }
    }),
  );
  const byHost = new Map<string, Credentials>();
  for (const creds of read) for (const [host, c] of creds) if (!byHost.has(host)) byHost.set(host, c);
  return { byHost, problems };
}
