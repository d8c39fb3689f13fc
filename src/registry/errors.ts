import { ImagegateError } from '../errors/index.js';

/**
 * Stable codes of registry failures. Each failure carries the cause (`problem`) and the fix
 * separately, so the resolver can prefix the image and registry it was looking up.
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

const FIXES: Record<RegistryFailureKind, string> = {
  untrusted: 'use an image from a trusted registry, or add the host to registries.hosts in the config',
  timeout:
    'retry later, or raise registries.hosts[].timeoutMs (maxConcurrency if no request slot was free) and the webhook timeoutSeconds',
  unauthorized: 'set registries.hosts[].credentials (or an imagePullSecret) with pull access to this repository',
  notFound: 'check that the repository and tag exist in the registry, or fix the image reference',
  digestMismatch: 'the registry served content that does not hash to its digest: ask its operator to investigate',
  limitExceeded: 'raise registries.maxManifestBytes or registries.maxIndexEntries if the image is legitimate',
  redirectRefused: 'add the redirect target to registries.hosts[].allowedHosts if it is legitimate',
  realmRefused: 'add the token service host to registries.hosts[].allowedHosts if it is legitimate',
  credentialsWithheld:
    "if the registry's operator runs that token service (auth.docker.io for docker.io), list its host in registries.hosts[].credentialRealms",
  tls: 'set registries.hosts[].caFile to the CA bundle that signed the registry certificate',
  unavailable: 'retry later, and check that the registry is up and reachable from the webhook',
  rateLimited: 'retry later, or resolve through a mirror (registries.mirrors)',
  protocol: 'the registry did not answer as an OCI distribution registry: check the host in registries.hosts',
  configInvalid: 'fix the registries section of the config',
  pullSecretInvalid: 'recreate the secret with `kubectl create secret docker-registry`',
  pullSecretUnavailable:
    'fix the imagePullSecrets named by the pod or its service account, or let the webhook read them (RBAC get on secrets and serviceaccounts)',
  addressBlocked:
    'registries never resolve to internal ranges (cloud metadata, link-local, multicast); fix the registry DNS, or change registries.blockedCidrs if the address is intended',
};

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
    super(REGISTRY_CODES[opts.kind], `${opts.problem}: ${FIXES[opts.kind]}`, { cause: opts.cause });
    this.kind = opts.kind;
    this.problem = opts.problem;
    this.fix = FIXES[opts.kind];
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
  return new ImagegateError(REGISTRY_CODES.configInvalid, `${text}: ${FIXES.configInvalid}`);
}

/** Quotes a short value from an upstream header only when it is plain printable text. */
export function safeToken(value: string, max = 100): string {
  return /^[\w.+/:;=-]+$/.test(value) && value.length <= max ? value : '(unprintable value)';
}
