import { fixOf, ImagegateError } from '../errors/index.js';

/**
 * Stable codes of registry failures; their fixes are in ERROR_CODES. Each failure carries the
 * cause (`problem`) and the fix separately, so the resolver can prefix the image and registry.
 */
export const REGISTRY_CODES = {
  untrusted: 'IMAGEGATE_REGISTRY_UNTRUSTED',
  timeout: 'IMAGEGATE_REGISTRY_TIMEOUT',
  unauthorized: 'IMAGEGATE_REGISTRY_UNAUTHORIZED',
  notFound: 'IMAGEGATE_REGISTRY_NOT_FOUND',
  digestMismatch: 'IMAGEGATE_REGISTRY_DIGEST_MISMATCH',
  limitExceeded: 'IMAGEGATE_REGISTRY_LIMIT_EXCEEDED',
  redirectRefused: 'IMAGEGATE_REGISTRY_REDIRECT_REFUSED',
  realmRefused: 'IMAGEGATE_REGISTRY_REALM_REFUSED',
  credentialsWithheld: 'IMAGEGATE_REGISTRY_CREDENTIALS_WITHHELD',
  tls: 'IMAGEGATE_REGISTRY_TLS',
  unavailable: 'IMAGEGATE_REGISTRY_UNAVAILABLE',
  rateLimited: 'IMAGEGATE_REGISTRY_RATE_LIMITED',
  protocol: 'IMAGEGATE_REGISTRY_PROTOCOL',
  configInvalid: 'IMAGEGATE_REGISTRY_CONFIG_INVALID',
  pullSecretInvalid: 'IMAGEGATE_REGISTRY_PULL_SECRET_INVALID',
  pullSecretUnavailable: 'IMAGEGATE_REGISTRY_PULL_SECRET_UNAVAILABLE',
  addressBlocked: 'IMAGEGATE_REGISTRY_ADDRESS_BLOCKED',
} as const;

export type RegistryFailureKind = keyof typeof REGISTRY_CODES;

/** A registry failure before the image is known; `problem` never contains upstream bodies. */
export class RegistryProblem extends ImagegateError {
  readonly kind: RegistryFailureKind;
  readonly problem: string;
  readonly fix: string;
  /** True when repeating the same idempotent request may succeed (5xx, connection errors). */
  readonly retryable: boolean;

  constructor(opts: {
    readonly kind: RegistryFailureKind;
    readonly problem: string;
    readonly retryable?: boolean;
    readonly cause?: unknown;
  }) {
    const fix = fixOf(REGISTRY_CODES[opts.kind]);
    super(REGISTRY_CODES[opts.kind], `${opts.problem}: ${fix}`, { cause: opts.cause });
    this.kind = opts.kind;
    this.problem = opts.problem;
    this.fix = fix;
    this.retryable = opts.retryable ?? false;
    this.name = 'RegistryProblem';
  }
}

export function problem(
  kind: RegistryFailureKind,
  text: string,
  opts: { readonly retryable?: boolean; readonly cause?: unknown } = {},
): RegistryProblem {
  return new RegistryProblem({ kind, problem: text, ...opts });
}

/**
 * The user-facing error: "registry H: cause: fix (image X)". The cause comes first because the
 * mutating webhook's warnings are clipped to 120 characters and already name the image.
 */
export function imageError(opts: {
  readonly image: string;
  readonly registry: string;
  readonly problem: RegistryProblem;
}): ImagegateError {
  const p = opts.problem;
  return new ImagegateError(p.code, `registry ${opts.registry}: ${p.problem}: ${p.fix} (image ${opts.image})`, {
    cause: p,
  });
}

export function configError(text: string): ImagegateError {
  return new ImagegateError(REGISTRY_CODES.configInvalid, `${text}: ${fixOf(REGISTRY_CODES.configInvalid)}`);
}

/** Quotes a short value from an upstream header only when it is plain printable text. */
export function safeToken(value: string, max = 100): string {
  return /^[\w.+/:;=-]+$/.test(value) && value.length <= max ? value : '(unprintable value)';
}
