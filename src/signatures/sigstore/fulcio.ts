import { ASN1Obj, type X509Certificate } from '@sigstore/core';

/**
 * Reading who a Fulcio certificate was issued to. OIDs under 1.3.6.1.4.1.57264.1 are Fulcio's
 * (docs/oid-info.md in sigstore/fulcio): .1 to .6 hold their value as raw bytes (deprecated
 * encoding), .8 and later as a DER UTF8String.
 */
const FULCIO = '1.3.6.1.4.1.57264.1';

/** Claim name (as Signer.claims and IdentityRule.claims spell it) by the last OID arc. */
const RAW_CLAIMS: Readonly<Record<number, string>> = {
  2: 'githubWorkflowTrigger',
  3: 'githubWorkflowSha',
  4: 'githubWorkflowName',
  5: 'githubWorkflowRepository',
  6: 'githubWorkflowRef',
};
const DER_CLAIMS: Readonly<Record<number, string>> = {
  9: 'buildSignerURI',
  10: 'buildSignerDigest',
  11: 'runnerEnvironment',
  12: 'sourceRepositoryURI',
  13: 'sourceRepositoryDigest',
  14: 'sourceRepositoryRef',
  15: 'sourceRepositoryIdentifier',
  16: 'sourceRepositoryOwnerURI',
  17: 'sourceRepositoryOwnerIdentifier',
  18: 'buildConfigURI',
  19: 'buildConfigDigest',
  20: 'buildTrigger',
  21: 'runInvocationURI',
  22: 'sourceRepositoryVisibilityAtSigning',
};
const ISSUER_V1 = `${FULCIO}.1`;
const ISSUER_V2 = `${FULCIO}.8`;
/** Fulcio's otherName SAN type for usernames (signers without an email or URI). */
const OTHER_NAME_USERNAME = `${FULCIO}.7`;
const UTF8_STRING = 0x0c;

export type FulcioIdentity =
  | {
      readonly ok: true;
      readonly issuer: string;
      readonly subject: string;
      readonly claims: Readonly<Record<string, string>>;
    }
  | { readonly ok: false; readonly reason: string };

/** Issuer, subject (SAN: URI, email, or Fulcio username) and claims of a leaf certificate. */
export function fulcioIdentity(cert: X509Certificate): FulcioIdentity {
  const claims: Record<string, string> = {};
  let issuerV1: string | undefined;
  let issuerV2: string | undefined;
  for (const ext of cert.extensions) {
    const oid = ext.subs[0]?.toOID();
    const value = ext.subs[ext.subs.length - 1]?.value;
    if (oid === undefined || value === undefined || !oid.startsWith(`${FULCIO}.`)) continue;
    const arc = Number(oid.slice(FULCIO.length + 1));
    if (oid === ISSUER_V1) issuerV1 = value.toString('utf8');
    else if (oid === ISSUER_V2) issuerV2 = derUtf8(value);
    else {
      const raw = RAW_CLAIMS[arc];
      const der = DER_CLAIMS[arc];
      if (raw !== undefined) claims[raw] = value.toString('utf8');
      else if (der !== undefined) {
        const text = derUtf8(value);
        if (text !== undefined) claims[der] = text;
      }
    }
  }
  const issuer = issuerV2 ?? issuerV1;
  if (issuer === undefined) {
    return { ok: false, reason: `the certificate has no OIDC issuer extension (${ISSUER_V2} or ${ISSUER_V1})` };
  }
  const subject = subjectOf(cert);
  if (subject === undefined) {
    return {
      ok: false,
      reason: 'the certificate names no subject (no URI, email or username subject alternative name)',
    };
  }
  return { ok: true, issuer, subject, claims };
}

function subjectOf(cert: X509Certificate): string | undefined {
  const san = cert.extSubjectAltName;
  if (san === undefined) return undefined;
  try {
    return san.uri ?? san.rfc822Name ?? san.otherName(OTHER_NAME_USERNAME);
  } catch {
    return undefined; // a malformed SAN names nobody
  }
}

function derUtf8(value: Buffer): string | undefined {
  try {
    const obj = ASN1Obj.parseBuffer(Buffer.from(value));
    return obj.tag.number === UTF8_STRING && obj.tag.isUniversal() ? obj.value.toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}
