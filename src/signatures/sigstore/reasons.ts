import { PolicyError, VerificationError } from '@sigstore/verify';
import { errorMessage } from '../../errors/index.js';

/** The reason when `tlog: required` and the signature comes with no Rekor entry. */
export const NO_TLOG_ENTRY =
  "no Rekor transparency log entry accompanies the signature, and tlog is required (sign with the Rekor upload on, or set the policy's tlog: optional)";

/**
 * A sentence a developer understands for what @sigstore/verify refused. Its codes are stable;
 * its messages are used only to tell apart cases one code covers.
 */
export function reasonOf(err: unknown, signingTime: Date | undefined): string {
  if (err instanceof PolicyError) return `the signer is not the one required: ${err.message}`;
  if (!(err instanceof VerificationError)) return `the signature could not be verified: ${errorMessage(err)}`;
  const detail = causeMessage(err);
  switch (err.code) {
    case 'CERTIFICATE_ERROR':
      return certificateReason(err.message, detail, signingTime);
    case 'SIGNATURE_ERROR':
      return "the signature does not verify over the signed payload with the signer's key: the payload or the signature was altered, or they belong to different signatures";
    case 'TLOG_INCLUSION_PROMISE_ERROR':
      return 'the Rekor signed entry timestamp (SET) does not verify against any trusted Rekor log key for that log id and time';
    case 'TLOG_INCLUSION_PROOF_ERROR':
      return `the Rekor inclusion proof does not verify (${err.message}): its checkpoint is not signed by a trusted log, or the entry is not in the tree it names`;
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return 'the Rekor entry has neither a signed entry timestamp nor an inclusion proof';
    case 'TLOG_BODY_ERROR':
      return `the Rekor entry is for another artifact or signature (${err.message}): it does not record this signature over this payload`;
    case 'TLOG_ERROR':
      return NO_TLOG_ENTRY;
    case 'TIMESTAMP_ERROR':
      return `no trusted signing time (${err.message}): a keyless signature needs a verified Rekor entry or an RFC 3161 timestamp from a trusted authority`;
    case 'PUBLIC_KEY_ERROR':
      return `the signing key is not usable: ${err.message}`;
    case 'NOT_IMPLEMENTED_ERROR':
      return `the bundle uses something not supported: ${err.message}`;
  }
}

function certificateReason(message: string, detail: string | undefined, signingTime: Date | undefined): string {
  const at = signingTime === undefined ? 'the signing time' : `the signing time ${signingTime.toISOString()}`;
  if (/SCTs?, got 0/.test(message)) {
    return 'the certificate carries no signed certificate timestamp (SCT) from a trusted certificate transparency log';
  }
  if (message.includes('SCT verification failed')) {
    return "the certificate's signed certificate timestamp (SCT) does not verify against any trusted certificate transparency log key";
  }
  if (detail?.includes('expired') === true) {
    return `${at} (Rekor integrated time) is outside the validity of the certificate or its issuers`;
  }
  if (detail?.includes('path') === true || message.includes('chain')) {
    return `the certificate does not chain to a trusted Fulcio root valid at ${at} (${detail ?? message})`;
  }
  return `the certificate is not acceptable: ${message}${detail === undefined ? '' : ` (${detail})`}`;
}

function causeMessage(err: VerificationError): string | undefined {
  const cause: unknown = err.cause;
  return cause instanceof Error ? cause.message : undefined;
}
