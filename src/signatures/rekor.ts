import { createHash, createPublicKey } from 'node:crypto';
import { isRecord } from '../guards/index.js';
import { decodeBase64, fingerprintOf } from './keys.js';
import { verifiesWith } from './sigstore/keys.js';
import type { RekorLogKey, Tlog, TrustLike } from './types.js';

/** What the Rekor entry must be about: the signed bytes, the signature and the verifying key. */
export interface EntryClaim {
  /** The bytes whose sha256 the entry records: the simple-signing payload, or the DSSE payload. */
  readonly signed: Uint8Array;
  /** The raw signature bytes. */
  readonly signature: Uint8Array;
  /** `sha256:<hex>` of the policy key that verified the signature. */
  readonly fingerprint: string;
  readonly envelope: 'message' | 'dsse';
}

export type TlogOutcome =
  { readonly ok: true; readonly integratedTime?: number } | { readonly ok: false; readonly reason: string };

interface RekorPayload {
  readonly body: string;
  readonly integratedTime: number;
  readonly logIndex: number;
  readonly logID: string;
  /** The SignedEntryTimestamp's text (base64), beside the Payload in cosign's annotation. */
  readonly set: unknown;
}

function payloadOf(text: string): RekorPayload | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'its Rekor bundle annotation is not JSON';
  }
  const p = isRecord(doc) ? doc.Payload : undefined;
  if (!isRecord(p)) return 'its Rekor bundle has no Payload';
  const { body, integratedTime, logIndex, logID } = p;
  if (
    typeof body !== 'string' ||
    typeof logID !== 'string' ||
    typeof integratedTime !== 'number' ||
    typeof logIndex !== 'number' ||
    !Number.isSafeInteger(integratedTime) ||
    !Number.isSafeInteger(logIndex)
  )
    return 'its Rekor bundle Payload lacks body, integratedTime, logIndex or logID';
  return { body, integratedTime, logIndex, logID, set: isRecord(doc) ? doc.SignedEntryTimestamp : undefined };
}

/** Rekor signs the canonical JSON of the entry: keys sorted, no whitespace. */
function canonical(p: RekorPayload): Buffer {
  return Buffer.from(
    JSON.stringify({ body: p.body, integratedTime: p.integratedTime, logID: p.logID, logIndex: p.logIndex }),
  );
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function keyMatches(pemBase64: unknown, fingerprint: string): boolean {
  if (typeof pemBase64 !== 'string') return false;
  const pem = decodeBase64(pemBase64);
  if (pem === undefined) return false;
  try {
    return fingerprintOf(createPublicKey(pem)) === fingerprint;
  } catch {
    return false;
  }
}

function hashedRekordBinds(spec: Readonly<Record<string, unknown>>, claim: EntryClaim): boolean {
  const data = isRecord(spec.data) && isRecord(spec.data.hash) ? spec.data.hash : {};
  const sig = isRecord(spec.signature) ? spec.signature : {};
  const key = isRecord(sig.publicKey) ? sig.publicKey.content : undefined;
  return (
    data.algorithm === 'sha256' &&
    data.value === sha256Hex(claim.signed) &&
    typeof sig.content === 'string' &&
    decodeBase64(sig.content)?.equals(claim.signature) === true &&
    keyMatches(key, claim.fingerprint)
  );
}

function dsseBinds(spec: Readonly<Record<string, unknown>>, claim: EntryClaim): boolean {
  // dsse v0.0.1: spec.payloadHash and spec.signatures[{signature, verifier}]
  const hash = isRecord(spec.payloadHash) ? spec.payloadHash : {};
  const signatures = Array.isArray(spec.signatures) ? spec.signatures : [];
  return (
    hash.algorithm === 'sha256' &&
    hash.value === sha256Hex(claim.signed) &&
    signatures.some(
      (s: unknown) =>
        isRecord(s) &&
        typeof s.signature === 'string' &&
        decodeBase64(s.signature)?.equals(claim.signature) === true &&
        keyMatches(s.verifier, claim.fingerprint),
    )
  );
}

/** Whether the logged entry is about this very signature: same bytes, same signature, same key. */
function binds(body: string, claim: EntryClaim): string | undefined {
  const raw = decodeBase64(body);
  let entry: unknown;
  try {
    entry = raw === undefined ? undefined : JSON.parse(raw.toString('utf8'));
  } catch {
    entry = undefined;
  }
  if (!isRecord(entry) || !isRecord(entry.spec)) return 'its Rekor entry body is not a Rekor entry';
  const kind = entry.kind;
  const ok =
    kind === 'hashedrekord' && claim.envelope === 'message'
      ? hashedRekordBinds(entry.spec, claim)
      : kind === 'dsse' && claim.envelope === 'dsse'
        ? dsseBinds(entry.spec, claim)
        : undefined;
  if (ok === undefined)
    return `its Rekor entry is of kind ${typeof kind === 'string' ? kind.slice(0, 40) : '(none)'}, not one recording this ${claim.envelope === 'message' ? 'signature (hashedrekord)' : 'attestation (dsse)'}`;
  return ok
    ? undefined
    : 'its Rekor entry records another artifact, signature or key (a bundle copied from another signature)';
}

/**
 * A log key retired (or not yet in use) at the entry's time must not vouch for it: a key leaked
 * after its retirement could otherwise sign back-dated entries.
 */
function outsideValidity(atMs: number, log: RekorLogKey): string | undefined {
  const from = log.validFromMs ?? -Infinity;
  const until = log.validUntilMs ?? Infinity;
  if (atMs >= from && atMs <= until) return undefined;
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : 'open');
  return `its Rekor entry was logged at ${iso(atMs)}, outside the time the trusted root gives that log's key (${iso(from)} to ${iso(until)})`;
}

/**
 * Checks a key-based signature's transparency log proof per `tlog`: the SignedEntryTimestamp of
 * cosign's bundle annotation verified with the trusted Rekor key its logID names, over the
 * canonical entry, and the entry bound to this signature (blocks a valid bundle of another
 * artifact being attached to a forged or replayed signature).
 */
export function checkTlog(opts: {
  readonly tlog: Tlog;
  readonly bundle: string | undefined;
  readonly trust: TrustLike | undefined;
  readonly claim: EntryClaim;
}): TlogOutcome {
  const { tlog, bundle, trust } = opts;
  if (tlog === 'ignore') return { ok: true };
  if (bundle === undefined)
    return tlog === 'required'
      ? {
          ok: false,
          reason: 'it has no Rekor bundle, and the policy requires a transparency log entry (tlog: required)',
        }
      : { ok: true };
  const p = payloadOf(bundle);
  if (typeof p === 'string') return { ok: false, reason: p };
  const log = trust?.rekorKeys.get(p.logID.toLowerCase());
  if (log === undefined)
    return {
      ok: false,
      reason: `its Rekor bundle names the log ${p.logID.slice(0, 64)}, which is not in the trusted root`,
    };
  const setBytes = typeof p.set === 'string' ? decodeBase64(p.set) : undefined;
  if (setBytes === undefined || !verifiesWith(canonical(p), setBytes, log.key))
    return { ok: false, reason: 'its Rekor SignedEntryTimestamp does not verify with the trusted log key' };
  const outside = outsideValidity(p.integratedTime * 1000, log);
  if (outside !== undefined) return { ok: false, reason: outside };
  const unbound = binds(p.body, opts.claim);
  if (unbound !== undefined) return { ok: false, reason: unbound };
  return { ok: true, integratedTime: p.integratedTime };
}
