import { isErrorCode } from '../errors/index.js';
import type { ContainerField, ImageSite } from './extract.js';
import type { AdmissionRequest, Operation, ReviewApiVersion } from './review.js';
import type { SiteSelection } from './sites.js';
import type { PullRefs, ReviewSummary } from './summary.js';
import { isRecord } from '../guards/index.js';

/**
 * Checks that a value that crossed a thread boundary is a ReviewSummary, so the main thread
 * types the parser thread's answer by checking it rather than by assertion.
 */
export function isReviewSummary(v: unknown): v is ReviewSummary {
  if (!isRecord(v) || !isRequest(v.request) || !isSelection(v.selection)) return false;
  const pull = v.pull;
  return v.selection.kind === 'review' ? isPullRefs(pull) : pull === undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const API_VERSIONS: readonly unknown[] = [
  'admission.k8s.io/v1',
  'admission.k8s.io/v1beta1',
] satisfies ReviewApiVersion[];
const OPERATIONS: readonly unknown[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] satisfies Operation[];
const FIELDS: readonly unknown[] = ['containers', 'initContainers', 'ephemeralContainers'] satisfies ContainerField[];

function isRequest(v: unknown): v is AdmissionRequest {
  if (!isRecord(v)) return false;
  const kind = v.kind;
  return (
    API_VERSIONS.includes(v.apiVersion) &&
    OPERATIONS.includes(v.operation) &&
    typeof v.dryRun === 'boolean' &&
    ['uid', 'resource', 'subResource', 'namespace', 'name', 'username'].every((k) => isString(v[k])) &&
    isRecord(kind) &&
    isString(kind.group) &&
    isString(kind.version) &&
    isString(kind.kind)
  );
}

function isSelection(v: unknown): v is SiteSelection {
  if (!isRecord(v)) return false;
  switch (v.kind) {
    case 'skip':
      return true;
    case 'reject':
      return isRecord(v.error) && isString(v.error.code) && isErrorCode(v.error.code) && isString(v.error.message);
    case 'review':
      return Array.isArray(v.sites) && v.sites.every(isSite);
    default:
      return false;
  }
}

function isSite(v: unknown): v is ImageSite {
  return isRecord(v) && isString(v.container) && FIELDS.includes(v.field) && isString(v.pointer) && isString(v.image);
}

function isPullRefs(v: unknown): v is PullRefs {
  if (!isRecord(v) || !Array.isArray(v.imagePullSecrets) || !v.imagePullSecrets.every(isString)) return false;
  return v.serviceAccountName === undefined || isString(v.serviceAccountName);
}
