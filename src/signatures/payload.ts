import { isRecord } from '../guards/index.js';
import { decodeBase64 } from './keys.js';

/** `critical.type` of cosign's simple-signing payload. */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/**
 * The predicateType of what cosign 3 signs for an image (`cosign sign`, Sigstore bundle as a
 * referrer): an in-toto statement about the digest with an empty predicate. It is a signature of
 * the digest, as a simple-signing payload is, not an attestation.
 */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const STATEMENT_TYPES: ReadonlySet<string> = new Set([
  'https://in-toto.io/Statement/v0.1',
  'https://in-toto.io/Statement/v1',
]);

function jsonOf(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Checks what a signature vouches for: cosign's type, the judged digest (a valid signature over
 * another digest admits nothing), and, when asked, that docker-reference names `repository`.
 * Returns undefined when it holds, else the reason.
 */
export function checkSimpleSigning(opts: {
  readonly payload: Uint8Array;
  readonly digest: string;
  readonly repository?: string;
}): string | undefined {
  const doc = jsonOf(opts.payload);
  const critical = isRecord(doc) ? doc.critical : undefined;
  if (!isRecord(critical)) return 'its payload is not a cosign simple-signing document';
  if (critical.type !== COSIGN_SIGNATURE_TYPE)
    return `its payload type is ${JSON.stringify(String(critical.type).slice(0, 60))}, not "${COSIGN_SIGNATURE_TYPE}"`;
  const signed = isRecord(critical.image) ? critical.image['docker-manifest-digest'] : undefined;
  if (signed !== opts.digest)
    return `it signs ${typeof signed === 'string' ? signed.slice(0, 80) : 'no digest'}, not the judged digest ${opts.digest}`;
  if (opts.repository !== undefined) {
    const ref = isRecord(critical.identity) ? critical.identity['docker-reference'] : undefined;
    if (ref !== opts.repository)
      return `it names the repository ${typeof ref === 'string' ? ref.slice(0, 200) : '(none)'}, not ${opts.repository}`;
  }
  return undefined;
}

/** A DSSE envelope as cosign stores it in an `.att` layer. */
export interface Envelope {
  readonly payloadType: string;
  readonly payload: Buffer;
  readonly signatures: readonly Buffer[];
}

export function parseEnvelope(bytes: Uint8Array): Envelope | undefined {
  const doc = jsonOf(bytes);
  if (!isRecord(doc) || typeof doc.payloadType !== 'string' || typeof doc.payload !== 'string') return undefined;
  const payload = decodeBase64(doc.payload);
  if (payload === undefined || !Array.isArray(doc.signatures)) return undefined;
  const signatures = doc.signatures.flatMap((s: unknown) => {
    const sig = isRecord(s) && typeof s.sig === 'string' ? decodeBase64(s.sig) : undefined;
    return sig === undefined ? [] : [sig];
  });
  return { payloadType: doc.payloadType, payload, signatures };
}

/** DSSE's pre-authentication encoding: what an envelope signature signs. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    Buffer.from(payload),
  ]);
}

/** A verified in-toto statement about the judged digest. */
export interface Statement {
  readonly predicateType: string;
  readonly predicate: unknown;
}

/**
 * Reads an in-toto statement and checks that a subject names `digest` (an attestation about
 * another image vouches for nothing here). Returns the statement or the reason it does not count.
 */
export function checkStatement(opts: {
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly digest: string;
}): Statement | string {
  if (opts.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return `its DSSE payload type is ${JSON.stringify(opts.payloadType.slice(0, 60))}, not ${IN_TOTO_PAYLOAD_TYPE}`;
  const doc = jsonOf(opts.payload);
  if (!isRecord(doc) || typeof doc._type !== 'string' || !STATEMENT_TYPES.has(doc._type))
    return 'its payload is not an in-toto statement';
  if (typeof doc.predicateType !== 'string') return 'its in-toto statement has no predicateType';
  const [algorithm, hex] = opts.digest.split(':');
  const subjects = Array.isArray(doc.subject) ? doc.subject : [];
  const names = subjects.some(
    (s: unknown) => isRecord(s) && isRecord(s.digest) && algorithm !== undefined && s.digest[algorithm] === hex,
  );
  if (!names)
    return `its in-toto statement (${doc.predicateType.slice(0, 100)}) is about another digest, not ${opts.digest}`;
  return { predicateType: doc.predicateType, predicate: doc.predicate ?? null };
}

/**
 * For a cosign 3 signature statement (already checked by checkStatement) under `matchReference`:
 * a subject naming the judged digest must also name `repository` (as `repository`,
 * `repository:tag` or `repository@digest`). Returns undefined when it does, else the reason.
 */
export function checkStatementReference(opts: {
  readonly payload: Uint8Array;
  readonly digest: string;
  readonly repository: string;
}): string | undefined {
  const doc = jsonOf(opts.payload);
  const [algorithm, hex] = opts.digest.split(':');
  const subjects = isRecord(doc) && Array.isArray(doc.subject) ? doc.subject : [];
  const names = subjects.flatMap((s: unknown) =>
    isRecord(s) &&
    isRecord(s.digest) &&
    algorithm !== undefined &&
    s.digest[algorithm] === hex &&
    typeof s.name === 'string'
      ? [s.name]
      : [],
  );
  const { repository } = opts;
  const ok = names.some((n) => n === repository || n.startsWith(`${repository}:`) || n.startsWith(`${repository}@`));
  if (ok) return undefined;
  const found = names.length === 0 ? '(none)' : names.map((n) => n.slice(0, 200)).join(', ');
  return `its in-toto statement names the repository ${found}, not ${repository}`;
}
