import type { Pinner, PinOutcome } from '../admission/index.js';
import { withDigest, type ImageRef } from '../images/index.js';
import { createRegistryResolver, type RegistryResolver, type RegistryResolverOptions } from './resolver.js';

export type RegistryPinner = Pinner & { readonly resolver: RegistryResolver; close(): Promise<void> };

async function pinOne(resolver: RegistryResolver, ref: ImageRef, signal: AbortSignal): Promise<PinOutcome> {
  // A digest the request already carries wins: it is never resolved (and never re-pointed).
  if (ref.digest !== undefined) return { kind: 'pinned', image: ref.canonical };
  const result = await resolver.resolve({ ref, signal });
  if (!result.ok) return { kind: 'unresolved', reason: result.error.message };
  return { kind: 'pinned', image: withDigest(ref, result.resolution.digest).canonical };
}

/**
 * The mutating webhook's Pinner over real registries: all images of a request are resolved
 * concurrently; each outcome is `registry/repo:tag@sha256:…` or a reason naming the image, the
 * registry, the cause and the fix (never an upstream response body).
 */
export function createRegistryPinner(opts: RegistryResolverOptions): RegistryPinner {
  const resolver = createRegistryResolver(opts);
  return {
    resolver,
    pin: ({ images, signal }) => Promise.all(images.map((ref) => pinOne(resolver, ref, signal))),
    close: () => resolver.close(),
  };
}
