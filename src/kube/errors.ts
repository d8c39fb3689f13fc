import { ImagegateError } from '../errors/index.js';

/** Stable codes of Kubernetes API failures met while reading pull secrets. */
export const KUBE_CODES = {
  notFound: 'IMAGEGATE_KUBE_NOT_FOUND',
  forbidden: 'IMAGEGATE_KUBE_FORBIDDEN',
  unauthorized: 'IMAGEGATE_KUBE_UNAUTHORIZED',
  timeout: 'IMAGEGATE_KUBE_TIMEOUT',
  unavailable: 'IMAGEGATE_KUBE_UNAVAILABLE',
  protocol: 'IMAGEGATE_KUBE_PROTOCOL',
  invalidName: 'IMAGEGATE_KUBE_INVALID_NAME',
  configInvalid: 'IMAGEGATE_KUBE_CONFIG_INVALID',
} as const;

export type KubeFailureKind = keyof typeof KUBE_CODES;

const FIXES: Record<KubeFailureKind, string> = {
  notFound: 'create it in that namespace, or remove it from imagePullSecrets',
  forbidden: "grant the webhook's service account get on secrets and serviceaccounts (RBAC)",
  unauthorized: "check that the webhook's service account token is mounted and valid",
  timeout: 'retry later, or raise registries.pullSecrets.timeoutMs',
  unavailable: 'retry later, and check that the Kubernetes API server is reachable from the webhook',
  protocol: 'check registries.pullSecrets.apiServer: the answer is not a Kubernetes API object',
  invalidName: 'fix the name: Kubernetes names are lowercase DNS names',
  configInvalid:
    'run in a pod (KUBERNETES_SERVICE_HOST/PORT set, service account token mounted), or set registries.pullSecrets.apiServer, tokenFile and caFile',
};

/** A Kubernetes API failure; messages name the object and the HTTP status, never its data. */
export class KubeError extends ImagegateError {
  readonly kind: KubeFailureKind;
  readonly problem: string;
  readonly fix: string;

  /** `fix` replaces the kind's usual fix where the object read is not a pull secret (e.g. a namespace). */
  constructor(
    kind: KubeFailureKind,
    text: string,
    opts: { readonly cause?: unknown; readonly fix?: string | undefined } = {},
  ) {
    const fix = opts.fix ?? FIXES[kind];
    super(KUBE_CODES[kind], `${text}: ${fix}`, { cause: opts.cause });
    this.kind = kind;
    this.problem = text;
    this.fix = fix;
    this.name = 'KubeError';
  }
}
