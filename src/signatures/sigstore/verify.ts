import { createHash, type KeyObject } from 'node:crypto';
import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  bundleFromJSON,
  type Bundle,
  ValidationError,
} from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toSignedEntity, Verifier, type SignedEntity, type VerifierOptions } from '@sigstore/verify';
import { errorMessage } from '../../errors/index.js';
import { fulcioIdentity } from './fulcio.js';
import { verifiesWith } from './keys.js';
import { layerToBundle, parseJson } from './layer.js';
import { NO_TLOG_ENTRY, reasonOf } from './reasons.js';
import type { SigstoreTrust } from './trust.js';

/** A cosign signature layer as the .sig tag / referrer stores it (annotations decoded by sig). */
export interface CosignLayer {
  /** application/vnd.dev.cosign.simplesigning.v1+json or application/vnd.dsse.envelope.v1+json */
  readonly mediaType: string;
  /** the layer blob */
  readonly payload: Uint8Array;
  /** annotation dev.cosignproject.cosign/signature (base64) */
  readonly signature: string;
  /** annotation dev.sigstore.cosign/certificate (PEM) */
  readonly certificate?: string;
  /** annotation dev.sigstore.cosign/chain (PEM) */
  readonly chain?: string;
  /** annotation dev.sigstore.cosign/bundle (JSON text) */
  readonly rekorBundle?: string;
}

/**
 * Rekor: `required` — at least one entry, every entry verified; `optional` — entries present are
 * verified (a bad one refuses), none needed; `ignore` — entries are neither needed nor read, so a
 * keyless signature then needs an RFC 3161 timestamp for its signing time.
 */
export type Tlog = 'required' | 'optional' | 'ignore';

export type Signer =
  | { readonly kind: 'key'; readonly authority: string; readonly fingerprint: string } // sha256:<hex of DER SPKI>
  | {
      readonly kind: 'identity';
      readonly issuer: string;
      readonly subject: string;
      /** Fulcio extensions by short name: githubWorkflowRepository, githubWorkflowRef, buildSignerURI, … */
      readonly claims: Readonly<Record<string, string>>;
    };

export type Content =
  | { readonly kind: 'message'; readonly payload: Uint8Array }
  | { readonly kind: 'dsse'; readonly payloadType: string; readonly payload: Uint8Array };

export type Verified =
  | { readonly ok: true; readonly signer: Signer; readonly content: Content; readonly integratedTime?: number } // seconds
  | { readonly ok: false; readonly reason: string }; // a developer-readable sentence

type Failed = Extract<Verified, { ok: false }>;

/**
 * A certificate-carrying cosign layer (keyless): chain to Fulcio roots, SCT, Rekor per tlog,
 * signing time inside the cert's validity. Never throws.
 */
export function verifyKeylessLayer(opts: {
  readonly layer: CosignLayer;
  readonly trust: SigstoreTrust;
  readonly tlog: Tlog;
}): Verified {
  try {
    const built = layerToBundle(opts.layer);
    if (!built.ok) return built;
    return verifyJson({ ...opts, json: built.json, artifact: built.artifact, keys: new Map(), keylessOnly: true });
  } catch (err) {
    return { ok: false, reason: `the signature could not be verified: ${errorMessage(err)}` };
  }
}

/**
 * A Sigstore bundle (v0.1–v0.3, message signature or DSSE), keyless or key-based (`keys`:
 * authority name → public key). A key-based bundle is checked only against `keys`: its key hint
 * never selects or supplies a key. A message-signature bundle carries only the digest of what was
 * signed, so it verifies only with `artifact` (those bytes; their sha256 must be the bundle's
 * digest). Never throws.
 */
export function verifyBundle(opts: {
  readonly bundle: Uint8Array;
  readonly trust: SigstoreTrust;
  readonly tlog: Tlog;
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly artifact?: Uint8Array;
}): Verified {
  try {
    const json = parseJson(opts.bundle);
    if (typeof json === 'string') return { ok: false, reason: `the Sigstore bundle is not JSON: ${json}` };
    return verifyJson({ ...opts, json, keylessOnly: false });
  } catch (err) {
    return { ok: false, reason: `the signature could not be verified: ${errorMessage(err)}` };
  }
}

const MEDIA_TYPES: ReadonlySet<unknown> = new Set([
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
]);

interface Job {
  readonly json: Record<string, unknown>;
  readonly artifact?: Uint8Array | undefined;
  readonly trust: SigstoreTrust;
  readonly tlog: Tlog;
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly keylessOnly: boolean;
}

function verifyJson(job: Job): Verified {
  if (!MEDIA_TYPES.has(job.json.mediaType)) {
    return {
      ok: false,
      reason: `the bundle's mediaType is ${typeof job.json.mediaType === 'string' ? job.json.mediaType : 'missing'}, expected a Sigstore bundle v0.1, v0.2 or v0.3`,
    };
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(job.json);
  } catch (err) {
    const fields = err instanceof ValidationError && err.fields.length > 0 ? ` (${err.fields.join(', ')})` : '';
    return { ok: false, reason: `the Sigstore bundle is malformed: ${errorMessage(err)}${fields}` };
  }
  const content = contentOf(bundle, job.artifact);
  if (!content.ok) return content;
  const entity = withKeyTypeHash(
    withTlogPolicy(toSignedEntity(bundle, job.artifact && Buffer.from(job.artifact)), job.tlog),
    content.signed,
  );
  const tlogThreshold = job.tlog === 'required' ? 1 : 0;
  // Said first: @sigstore/verify would report the missing signing time before the missing entry.
  if (tlogThreshold > 0 && entity.tlogEntries.length === 0) return { ok: false, reason: NO_TLOG_ENTRY };
  const signed = signerOf(entity, job, tlogThreshold);
  if (!signed.ok) return signed;
  const integratedTime = job.tlog === 'ignore' ? undefined : integratedTimeOf(entity);
  return {
    ok: true,
    signer: signed.signer,
    content: content.content,
    ...(integratedTime === undefined ? {} : { integratedTime }),
  };
}

type Signed = { readonly ok: true; readonly signer: Signer } | Failed;

function signerOf(entity: SignedEntity, job: Job, tlogThreshold: number): Signed {
  switch (entity.key.$case) {
    case 'certificate': {
      const options: VerifierOptions = { tlogThreshold, ctlogThreshold: 1, timestampThreshold: 1 };
      try {
        new Verifier(job.trust.material, options).verify(entity);
      } catch (err) {
        return { ok: false, reason: reasonOf(err, signingTimeOf(entity)) };
      }
      const identity = fulcioIdentity(entity.key.certificate);
      if (!identity.ok) return identity;
      const { issuer, subject, claims } = identity;
      return { ok: true, signer: { kind: 'identity', issuer, subject, claims } };
    }
    case 'public-key':
      if (job.keylessOnly) return { ok: false, reason: 'the signature carries no certificate' };
      return keySigner(entity, job, tlogThreshold);
  }
}

/**
 * The configured key whose signature this is, then Rekor as tlog says. The bundle's hint is only
 * quoted in the reason: a hint naming a configured key must not make an attacker's key trusted.
 */
function keySigner(entity: SignedEntity, job: Job, tlogThreshold: number): Signed {
  const hint = entity.key.$case === 'public-key' ? entity.key.hint : '';
  const match = [...job.keys].find(([, key]) => entity.signature.verifySignature(key));
  if (match === undefined) {
    const names = [...job.keys.keys()].join(', ');
    return {
      ok: false,
      reason:
        job.keys.size === 0
          ? `the bundle is signed with a key (hint ${JSON.stringify(hint)}), and no keys are configured`
          : `the bundle is signed with a key that is none of the configured keys (${names}); its hint ${JSON.stringify(hint)} is not trusted`,
    };
  }
  const [authority, key] = match;
  const material = { ...job.trust.material, publicKey: () => ({ publicKey: key, validFor: () => true }) };
  try {
    new Verifier(material, { tlogThreshold, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
  } catch (err) {
    return { ok: false, reason: reasonOf(err, signingTimeOf(entity)) };
  }
  const spki = key.export({ format: 'der', type: 'spki' });
  return { ok: true, signer: { kind: 'key', authority, fingerprint: `sha256:${sha256Hex(spki)}` } };
}

/** The content, and the bytes its signature is over (DSSE: the pre-authentication encoding). */
type ContentResult = { readonly ok: true; readonly content: Content; readonly signed: Uint8Array } | Failed;

function contentOf(bundle: Bundle, artifact: Uint8Array | undefined): ContentResult {
  switch (bundle.content.$case) {
    case 'dsseEnvelope': {
      const env = bundle.content.dsseEnvelope;
      if (env.signatures.length !== 1) {
        return { ok: false, reason: `the DSSE envelope has ${env.signatures.length} signatures, expected exactly one` };
      }
      if (env.payloadType === 'application/vnd.in-toto+json') {
        const statement = parseJson(env.payload);
        if (typeof statement === 'string') {
          return { ok: false, reason: `the DSSE payload (an in-toto statement) is not a JSON object: ${statement}` };
        }
      }
      return {
        ok: true,
        content: { kind: 'dsse', payloadType: env.payloadType, payload: env.payload },
        signed: dsse.preAuthEncoding(env.payloadType, env.payload),
      };
    }
    case 'messageSignature': {
      if (artifact === undefined) {
        return {
          ok: false,
          reason:
            'the bundle holds a message signature, which carries only the digest of what was signed, and the signed bytes were not given',
        };
      }
      const { messageDigest } = bundle.content.messageSignature;
      const algorithm = hashName(messageDigest.algorithm);
      if (algorithm === undefined) {
        return { ok: false, reason: `the bundle's message digest algorithm ${messageDigest.algorithm} is not SHA-2` };
      }
      const actual = createHash(algorithm).update(artifact).digest();
      if (!actual.equals(messageDigest.digest)) {
        return {
          ok: false,
          reason: `the bundle signs the ${algorithm} digest ${messageDigest.digest.toString('hex')}, but the payload's is ${actual.toString('hex')}`,
        };
      }
      return { ok: true, content: { kind: 'message', payload: artifact }, signed: artifact };
    }
  }
}

/** Node's name of a bundle's message digest algorithm (unspecified means sha256, as in @sigstore/verify). */
function hashName(algorithm: HashAlgorithm): string | undefined {
  switch (algorithm) {
    case HashAlgorithm.SHA2_384:
      return 'sha384';
    case HashAlgorithm.SHA2_512:
      return 'sha512';
    case HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED:
    case HashAlgorithm.SHA2_256:
      return 'sha256';
    default:
      return undefined; // SHA-3 digests are for LMS keys, which cosign does not use
  }
}

/** The entity with its signature checked by verifiesWith (the hash each key type signs with). */
function withKeyTypeHash(entity: SignedEntity, signed: Uint8Array): SignedEntity {
  const content = entity.signature;
  return {
    ...entity,
    signature: {
      signature: content.signature,
      compareSignature: (signature) => content.compareSignature(signature),
      compareDigest: (digest) => content.compareDigest(digest),
      verifySignature: (key) => verifiesWith(signed, content.signature, key),
    },
  };
}

/** `ignore` drops Rekor entries before verification: neither checked nor used as signing time. */
function withTlogPolicy(entity: SignedEntity, tlog: Tlog): SignedEntity {
  if (tlog !== 'ignore') return entity;
  return { ...entity, tlogEntries: [], timestamps: entity.timestamps.filter((t) => t.$case !== 'transparency-log') };
}

function signingTimeOf(entity: SignedEntity): Date | undefined {
  const first = entity.timestamps[0];
  if (first === undefined) return undefined;
  switch (first.$case) {
    case 'transparency-log':
      return new Date(Number(first.tlogEntry.integratedTime) * 1000);
    case 'timestamp-authority':
      return first.timestamp.signingTime;
  }
}

/** Seconds: the integrated time of the first entry whose SET (verified) covers it. */
function integratedTimeOf(entity: SignedEntity): number | undefined {
  const entry = entity.tlogEntries.find((e) => e.inclusionPromise !== undefined);
  return entry === undefined ? undefined : Number(entry.integratedTime);
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
