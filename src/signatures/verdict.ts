import type { Finding, VerifiedSigner } from './judge.js';

/** A verified attestation as the fact lists it. */
export interface VerifiedAttestation {
  readonly predicateType: string;
  readonly predicate: unknown;
  readonly authority: string;
}

/** What the signatures of one digest establish under its policy. */
export interface Tally {
  /** Distinct trusted signers (a key counted once by fingerprint, an identity by issuer and subject). */
  readonly verified: readonly VerifiedSigner[];
  readonly attestations: readonly VerifiedAttestation[];
  readonly failures: readonly string[];
  readonly satisfied: boolean;
}

/** Rejected candidates named in the fact at most: the rest are counted. */
const MAX_LISTED = 10;

function identityOf(s: VerifiedSigner): string {
  return s.kind === 'key' ? `key ${s.fingerprint}` : `identity ${s.issuer} ${s.subject}`;
}

function nameOf(s: VerifiedSigner): string {
  return s.kind === 'key' ? s.authority : `${s.authority} (${s.subject})`;
}

/**
 * Counts distinct trusted signers against `threshold` (one key signing twice, or two authorities
 * naming one key, count once) and checks each required predicateType has a verified attestation
 * about the digest. Every shortfall is a failure sentence naming what was found and what is needed.
 */
export function tally(opts: {
  readonly digest: string;
  readonly findings: readonly Finding[];
  readonly threshold: number;
  readonly predicateTypes: readonly string[];
}): Tally {
  const signers = new Map<string, VerifiedSigner>();
  const attestations: VerifiedAttestation[] = [];
  const rejected: string[] = [];
  for (const f of opts.findings) {
    switch (f.kind) {
      case 'signature':
        if (!signers.has(identityOf(f.signer))) signers.set(identityOf(f.signer), f.signer);
        break;
      case 'attestation':
        attestations.push({ ...f.statement, authority: f.signer.authority });
        break;
      case 'rejected':
        rejected.push(f.reason);
        break;
    }
  }
  const verified = [...signers.values()];
  const failures: string[] = [];
  if (verified.length < opts.threshold) {
    const have = verified.length === 0 ? 'none' : `${verified.length} (${verified.map(nameOf).join(', ')})`;
    failures.push(
      opts.findings.length === 0
        ? `not signed: no signature is stored for ${opts.digest}`
        : `needs ${opts.threshold} distinct trusted signer${opts.threshold === 1 ? '' : 's'} of ${opts.digest}, has ${have}`,
    );
  }
  for (const type of opts.predicateTypes)
    if (!attestations.some((a) => a.predicateType === type))
      failures.push(`no verified ${type} attestation about ${opts.digest} by a trusted authority`);
  if (failures.length > 0) {
    failures.push(...rejected.slice(0, MAX_LISTED));
    if (rejected.length > MAX_LISTED) failures.push(`and ${rejected.length - MAX_LISTED} more signatures not accepted`);
  }
  return { verified, attestations, failures, satisfied: failures.length === 0 };
}
