import { RegistryProblem, problem } from './errors.js';

/** OpenSSL / Node codes of certificate and handshake failures: a wrong CA is not retried. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Connection-level failures after which an idempotent request may be repeated. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Codes along the error's cause chain, outermost first (undici wraps socket errors). */
function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code: unknown = 'code' in e ? e.code : undefined;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL');
}

/**
 * Maps whatever a request threw to a RegistryProblem. An aborted `signal` always means the
 * deadline, whatever undici reports, so a dripping body ends as a timeout.
 */
export function classify(err: unknown, signal: AbortSignal, timeoutText: string): RegistryProblem {
  if (err instanceof RegistryProblem) return err;
  if (signal.aborted) return problem('timeout', `no complete answer ${timeoutText}`, { cause: err });
  const codes = codesOf(err);
  const tls = codes.find(isTlsCode);
  if (tls !== undefined) return problem('tls', `the TLS connection failed (${tls})`, { cause: err });
  const code = codes.find((c) => c !== 'UND_ERR_SOCKET') ?? codes[0];
  if (code === undefined) return problem('unavailable', 'the request failed', { retryable: true, cause: err });
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return problem('timeout', `no complete answer ${timeoutText}`, { cause: err });
  }
  if (code === 'ENOTFOUND') return problem('unavailable', 'the host name does not resolve (ENOTFOUND)', { cause: err });
  const retryable = RETRYABLE_CODES.has(code);
  return problem('unavailable', `the connection failed (${code})`, { retryable, cause: err });
}
