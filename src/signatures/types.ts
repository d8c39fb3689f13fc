import type { KeyObject } from 'node:crypto';

/*
 * The shapes of the contract with the Sigstore verifier (src/signatures/sigstore/, w4 contract):
 * this room codes against them and takes the keyless functions as injected dependencies.
 */

/** A cosign signature layer as the .sig / .att tag stores it (annotations decoded). */
export interface CosignLayer {
  /** application/vnd.dev.cosign.simplesigning.v1+json or application/vnd.dsse.envelope.v1+json */
  readonly mediaType: string;
  /** The layer blob. */
  readonly payload: Uint8Array;
  /** Annotation dev.cosignproject.cosign/signature (base64; empty for DSSE layers). */
  readonly signature: string;
  readonly certificate?: string;
  readonly chain?: string;
  /** Annotation dev.sigstore.cosign/bundle: Rekor's SignedEntryTimestamp and entry (JSON text). */
  readonly rekorBundle?: string;
}

export type Tlog = 'required' | 'optional' | 'ignore';

export type Signer =
  | { readonly kind: 'key'; readonly authority: string; readonly fingerprint: string }
  | {
      readonly kind: 'identity';
      readonly issuer: string;
      readonly subject: string;
      readonly claims: Readonly<Record<string, string>>;
    };

export type Content =
  | { readonly kind: 'message'; readonly payload: Uint8Array }
  | { readonly kind: 'dsse'; readonly payloadType: string; readonly payload: Uint8Array };

export type Verified =
  | { readonly ok: true; readonly signer: Signer; readonly content: Content; readonly integratedTime?: number }
  | { readonly ok: false; readonly reason: string };

/** What this room needs of the Sigstore trust material (keyless's SigstoreTrust has more). */
export interface TrustLike {
  /** sha256 hex of the trusted root bytes: part of the fact revision. */
  readonly revision: string;
  /** Rekor log id (hex sha256 of the log key's DER SPKI) → that log's key. */
  readonly rekorKeys: ReadonlyMap<string, KeyObject>;
}

export interface IdentityRule {
  readonly issuer?: string;
  readonly issuerRegExp?: string;
  readonly subject?: string;
  readonly subjectRegExp?: string;
  readonly claims?: Readonly<Record<string, string>>;
}

export type IdentityMatch = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The keyless verifier (helper "keyless"'s functions), injected; absent: such candidates are not verified. */
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
