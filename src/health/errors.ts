import { ImagegateError, type ErrorCode } from '../errors/index.js';

/** Why a health lookup gave no grade; each kind is one stable code (docs/errors.md). */
export type HealthFailure =
  | 'noSource'
  | 'notFound'
  | 'notScanned'
  | 'unknown'
  | 'unauthorized'
  | 'rateLimited'
  | 'unavailable'
  | 'timeout'
  | 'protocol'
  | 'config';

const CODES = {
  noSource: 'IMAGEGATE_HEALTH_NO_SOURCE',
  notFound: 'IMAGEGATE_HEALTH_NOT_FOUND',
  notScanned: 'IMAGEGATE_HEALTH_NOT_SCANNED',
  unknown: 'IMAGEGATE_HEALTH_UNKNOWN',
  unauthorized: 'IMAGEGATE_HEALTH_UNAUTHORIZED',
  rateLimited: 'IMAGEGATE_HEALTH_RATE_LIMITED',
  unavailable: 'IMAGEGATE_HEALTH_UNAVAILABLE',
  timeout: 'IMAGEGATE_HEALTH_TIMEOUT',
  protocol: 'IMAGEGATE_HEALTH_PROTOCOL',
  config: 'IMAGEGATE_HEALTH_CONFIG_INVALID',
} as const satisfies Record<HealthFailure, ErrorCode>;

export type HealthErrorCode = (typeof CODES)[HealthFailure];

export function healthError(
  kind: HealthFailure,
  message: string,
  options?: { readonly cause?: unknown },
): ImagegateError<HealthErrorCode> {
  return new ImagegateError(CODES[kind], message, options);
}
