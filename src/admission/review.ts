import { ImagegateError } from '../errors/index.js';
import { isRecord } from '../guards/index.js';

export type ReviewApiVersion = 'admission.k8s.io/v1' | 'admission.k8s.io/v1beta1';
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/**
 * The metadata of an AdmissionReview request imagegate reads; the rest is ignored. Small and
 * plain (structured-clonable): it is what crosses back from the parser thread.
 */
export interface AdmissionRequest {
  readonly apiVersion: ReviewApiVersion;
  /** Echoed byte for byte in the response. */
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource: string;
  readonly subResource: string;
  readonly operation: Operation;
  readonly namespace: string;
  readonly name: string;
  readonly dryRun: boolean;
  readonly username: string;
}

/** A parsed request with its objects, which only the parse step (summary.ts) reads. */
export interface ParsedReview extends AdmissionRequest {
  /** The object as admitted (null for DELETE). */
  readonly object: unknown;
  /** The object before an UPDATE (null otherwise). */
  readonly oldObject: unknown;
}

const API_VERSIONS: readonly string[] = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'];
const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
/** Kubernetes UIDs are 36 bytes; a generous cap (64 KiB) stops a multi-MB uid being echoed back. */
const MAX_UID_LENGTH = 64 * 1024;

function isReviewApiVersion(v: unknown): v is ReviewApiVersion {
  return typeof v === 'string' && API_VERSIONS.includes(v);
}

function isOperation(v: unknown): v is Operation {
  return typeof v === 'string' && OPERATIONS.includes(v);
}

function malformed(message: string): ImagegateError {
  return new ImagegateError('IMAGEGATE_REQUEST_MALFORMED', message);
}

function optionalString(r: Readonly<Record<string, unknown>>, key: string): string {
  const v = r[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw malformed(`request.${key} must be a string, got ${typeof v}`);
  return v;
}

/**
 * Checks that a parsed body is an AdmissionReview request this webhook can answer.
 * Throws IMAGEGATE_REQUEST_MALFORMED naming the first field that is wrong.
 */
export function parseAdmissionReview(body: unknown): ParsedReview {
  if (!isRecord(body)) throw malformed('body must be a JSON object of kind AdmissionReview');
  const { apiVersion, kind, request } = body;
  if (kind !== 'AdmissionReview') {
    throw malformed(`kind must be "AdmissionReview", got ${JSON.stringify(kind ?? null).slice(0, 100)}`);
  }
  if (!isReviewApiVersion(apiVersion)) {
    throw malformed(
      `apiVersion must be "admission.k8s.io/v1" or "admission.k8s.io/v1beta1", got ${JSON.stringify(apiVersion ?? null).slice(0, 100)}`,
    );
  }
  if (!isRecord(request))
    throw malformed('request must be an object; an AdmissionReview without a request cannot be answered');
  const uid = request.uid;
  if (typeof uid !== 'string' || uid === '') throw malformed('request.uid must be a non-empty string');
  if (uid.length > MAX_UID_LENGTH)
    throw malformed(`request.uid is ${uid.length} characters; at most ${MAX_UID_LENGTH} are accepted`);
  const operation = request.operation;
  if (!isOperation(operation)) {
    throw malformed(
      `request.operation must be one of ${OPERATIONS.join(', ')}, got ${JSON.stringify(operation ?? null).slice(0, 100)}`,
    );
  }
  return {
    apiVersion,
    uid,
    kind: parseGvk(request.kind),
    resource: parseResource(request.resource),
    subResource: optionalString(request, 'subResource'),
    operation,
    namespace: optionalString(request, 'namespace'),
    name: optionalString(request, 'name'),
    dryRun: request.dryRun === true,
    username: isRecord(request.userInfo) ? optionalString(request.userInfo, 'username') : '',
    object: request.object ?? null,
    oldObject: request.oldObject ?? null,
  };
}

function parseGvk(v: unknown): GroupVersionKind {
  if (!isRecord(v)) throw malformed('request.kind must be an object {group, version, kind}');
  const kind = v.kind;
  if (typeof kind !== 'string' || kind === '') throw malformed('request.kind.kind must be a non-empty string');
  const group = v.group ?? '';
  const version = v.version ?? '';
  if (typeof group !== 'string' || typeof version !== 'string') {
    throw malformed('request.kind.group and request.kind.version must be strings');
  }
  return { group, version, kind };
}

function parseResource(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (!isRecord(v) || typeof v.resource !== 'string') {
    throw malformed('request.resource must be an object {group, version, resource}');
  }
  return v.resource;
}
