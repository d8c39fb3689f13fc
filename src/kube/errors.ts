import { fixOf, ImagegateError } from '../errors/index.js';

/** Stable codes of Kubernetes API failures met while reading pull secrets; their fixes are in ERROR_CODES. */
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
    const fix = opts.fix ?? fixOf(KUBE_CODES[kind]);
    super(KUBE_CODES[kind], `${text}: ${fix}`, { cause: opts.cause });
    this.kind = kind;
    this.problem = text;
    this.fix = fix;
    this.name = 'KubeError';
  }
}
