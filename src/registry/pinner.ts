import type { Pinner, PinOutcome } from '../admission/index.js';
import { withDigest, type ImageRef } from '../images/index.js';
import { createInClusterKubeClient, type KubeClient } from '../kube/index.js';
import { readPullCredentials, type PinContext, type PullCredentials } from './pullsecrets.js';
import {
  createRegistryResolver,
  type PullCredentialsSource,
  type RegistryResolver,
  type RegistryResolverOptions,
} from './resolver.js';

/** The Pinner port plus the optional context of the object under review (see PinContext). */
export interface RegistryPinner extends Pinner {
  /** The one resolver (and single-flight cache) behind `pin`; the facts stage resolves through it too. */
  readonly resolver: RegistryResolver;
  /**
   * The pull credentials of one review's object, as `pin` reads them: at most once, and only when
   * a lookup needs them; undefined without pull secrets (registries.pullSecrets) or a context.
   */
  pullCredentials(opts: {
    readonly context?: PinContext;
    readonly signal: AbortSignal;
  }): PullCredentialsSource | undefined;
  close(): Promise<void>;
}

export interface RegistryPinnerOptions extends RegistryResolverOptions {
  /**
   * Reads imagePullSecrets. Default: an in-cluster client when registries.pullSecrets.enabled,
   * else none (the context of pin is then ignored).
   */
  readonly kube?: KubeClient;
}

async function pinOne(
  resolver: RegistryResolver,
  ref: ImageRef,
  signal: AbortSignal,
  pull: PullCredentialsSource | undefined,
): Promise<PinOutcome> {
  // A digest the request already carries wins: it is never resolved (and never re-pointed).
  if (ref.digest !== undefined) return { kind: 'pinned', image: ref.canonical };
  const result = await resolver.resolve({ ref, signal, ...(pull === undefined ? {} : { pullCredentials: pull }) });
  if (!result.ok) return { kind: 'unresolved', code: result.error.code, reason: result.error.message };
  return { kind: 'pinned', image: withDigest(ref, result.resolution.digest).canonical };
}

/** Reads the pull secrets at most once per pin call, and only if some image needs them. */
function pullSource(
  kube: KubeClient | undefined,
  context: PinContext | undefined,
  signal: AbortSignal,
): PullCredentialsSource | undefined {
  if (kube === undefined || context === undefined) return undefined;
  let read: Promise<PullCredentials> | undefined;
  return () => (read ??= readPullCredentials({ kube, context, signal }));
}

/**
 * The mutating webhook's Pinner over real registries: all images of a request are resolved
 * concurrently; each outcome is `registry/repo:tag@sha256:…` or a reason naming the image, the
 * registry, the cause and the fix (never an upstream response body).
 * @throws ImagegateError IMAGEGATE_REGISTRY_CONFIG_INVALID, IMAGEGATE_KUBE_CONFIG_INVALID
 */
export function createRegistryPinner(opts: RegistryPinnerOptions): RegistryPinner {
  const resolver = createRegistryResolver(opts);
  const ownKube = opts.kube === undefined && opts.registries.pullSecrets.enabled;
  const kube = ownKube ? createInClusterKubeClient({ config: opts.registries.pullSecrets }) : opts.kube;
  return {
    resolver,
    pullCredentials: ({ context, signal }) => pullSource(kube, context, signal),
    pin: ({ images, signal, context }) => {
      const pull = pullSource(kube, context, signal);
      return Promise.all(images.map((ref) => pinOne(resolver, ref, signal, pull)));
    },
    async close() {
      await Promise.all([resolver.close(), ownKube ? kube?.close() : undefined]);
    },
  };
}
