import { httpStatusOf, isImagegateError, type ErrorCode } from '../errors/index.js';

/** The one body of every HTTP error the webhook answers: `{"error":{"code","message"}}`. */
export interface ErrorEnvelope {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/** An HTTP error ready to send: the status and the envelope. */
export interface HttpError {
  readonly status: number;
  readonly body: ErrorEnvelope;
}

/** Endpoints named in the 404 message; the path itself is the caller's and is never echoed. */
const ENDPOINTS = 'POST /validate, POST /mutate, GET /healthz, GET /readyz, GET /metrics';

/**
 * Maps anything thrown while answering a request to the envelope. An ImagegateError keeps its
 * code (its catalogued status, else 500); fastify's own errors and any other error carrying an
 * HTTP `statusCode` are mapped by that status, so their FST_* codes and text never reach the
 * client (413 and 415 from any body reader included). Anything else is a 500 whose message
 * names no internals.
 */
export function httpErrorOf(opts: {
  readonly err: unknown;
  readonly bodyLimitBytes: number;
  readonly contentType: string | undefined;
}): HttpError {
  const { err } = opts;
  if (isImagegateError(err)) {
    const status = httpStatusOf(err.code) ?? 500;
    return envelope(status, err.code, status === 500 ? INTERNAL_MESSAGE : err.message);
  }
  const status = declaredStatus(err);
  switch (status) {
    case 413:
      return envelope(
        413,
        'IMAGEGATE_REQUEST_TOO_LARGE',
        `the body is longer than server.bodyLimitBytes (${opts.bodyLimitBytes} bytes): send a smaller AdmissionReview, or raise server.bodyLimitBytes`,
      );
    case 415:
      return envelope(
        415,
        'IMAGEGATE_REQUEST_MEDIA_TYPE_UNSUPPORTED',
        `expected Content-Type application/json, got ${shown(opts.contentType)}: send the AdmissionReview as application/json (the API server does)`,
      );
    case 404:
      return notFound();
    case undefined:
      return envelope(500, 'IMAGEGATE_INTERNAL', INTERNAL_MESSAGE);
    default:
      return envelope(
        status,
        'IMAGEGATE_REQUEST_MALFORMED',
        `the HTTP request is malformed (${reasonOf(err)}): send an admission.k8s.io/v1 AdmissionReview as JSON (the API server does)`,
      );
  }
}

/** The 404 of an unknown method or path. */
export function notFound(): HttpError {
  return envelope(
    404,
    'IMAGEGATE_ROUTE_NOT_FOUND',
    `no endpoint answers this method and path: the webhook serves ${ENDPOINTS}`,
  );
}

/** The 503 of a request that arrives while the server shuts down. */
export function serverClosing(): HttpError {
  return envelope(503, 'IMAGEGATE_SERVER_CLOSING', 'the server is shutting down: retry; another replica answers');
}

const INTERNAL_MESSAGE = 'internal error; see the imagegate log';

function envelope(status: number, code: ErrorCode, message: string): HttpError {
  return { status, body: { error: { code, message } } };
}

/** A 4xx status the error declares, else undefined (so it is answered as a 500). */
function declaredStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return undefined;
  const s = err.statusCode;
  return typeof s === 'number' && Number.isInteger(s) && s >= 400 && s < 500 ? s : undefined;
}

/** fastify's message for a client error, capped: it may quote the caller's URL. */
function reasonOf(err: unknown): string {
  return err instanceof Error ? shown(err.message) : 'no detail';
}

/** Quotes a caller-supplied value only when it is short printable ASCII. */
function shown(value: string | undefined): string {
  if (value === undefined || value === '') return 'none';
  return /^[\x20-\x7e]{1,100}$/.test(value) ? JSON.stringify(value) : '(an unprintable or over-long value)';
}
