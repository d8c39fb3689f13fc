import type { KeyObject } from 'node:crypto';

import type { CosignLayer, Tlog, Signer, Verified } from './sigstore/verify.js';
import type { IdentityMatch, IdentityRule } from './sigstore/identity.js';

/*
 * How this room calls the Sigstore verifier (sigstore/): through these interfaces, so tests can
 * stand in for it; the shapes themselves are sigstore/'s.
 */
export type { CosignLayer, Content, Tlog, Signer, Verified } from './sigstore/verify.js';
export type { IdentityMatch, IdentityRule } from './sigstore/identity.js';

/** What this room needs of the Sigstore trust material (keyless's SigstoreTrust has more). */
export interface TrustLike {
  /** sha256 hex of the trusted root bytes: part of the fact revision. */
  readonly revision: string;
  /** Rekor log id (hex sha256 of the log key's DER SPKI) → that log's key. */
  readonly rekorKeys: ReadonlyMap<string, RekorLogKey>;
}

/** A Rekor log's key and the time range the trusted root gives it (ms since the epoch; open ends absent). */
export interface RekorLogKey {
  readonly key: KeyObject;
  readonly validFromMs?: number;
  readonly validUntilMs?: number;
}

/** The keyless and bundle verifier (sigstore/'s functions by default); tests inject stand-ins. */
export interface KeylessVerifier<T extends TrustLike = TrustLike> {
  verifyKeylessLayer(opts: { readonly layer: CosignLayer; readonly trust: T; readonly tlog: Tlog }): Verified;
  verifyBundle(opts: {
    readonly bundle: Uint8Array;
    readonly trust: T;
    readonly tlog: Tlog;
    readonly keys: ReadonlyMap<string, KeyObject>;
  }): Verified;
  matchIdentity(signer: Signer, rule: IdentityRule): IdentityMatch;
}

/** The keyless verifier with its trust material bound, as the judging code calls it. */
export interface BoundKeyless {
  layer(opts: { readonly layer: CosignLayer; readonly tlog: Tlog }): Verified;
  bundle(opts: {
    readonly bundle: Uint8Array;
    readonly tlog: Tlog;
    readonly keys: ReadonlyMap<string, KeyObject>;
  }): Verified;
  matchIdentity(signer: Signer, rule: IdentityRule): IdentityMatch;
}

export function bindKeyless<T extends TrustLike>(verifier: KeylessVerifier<T>, trust: T): BoundKeyless {
  return {
    layer: ({ layer, tlog }) => verifier.verifyKeylessLayer({ layer, trust, tlog }),
    bundle: ({ bundle, tlog, keys }) => verifier.verifyBundle({ bundle, trust, tlog, keys }),
    matchIdentity: (signer, rule) => verifier.matchIdentity(signer, rule),
  };
}
