import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../errors/index.js';
import type { ErrorEnvelope } from './envelope.js';

/**
 * The answer to a request Node's HTTP parser refused before any route saw it, in the one error
 * envelope (fastify's default would say `{"error":"Bad Request","message":"Client Error"}`):
 * 431 for headers over Node's limit, 408 for a request not complete within its timeouts (a
 * slowloris client), 400 for anything else malformed (request line, header syntax). The parser
 * cannot go on after such an error, so the connection is closed after the answer. Nothing of the
 * request is echoed. A reset, or a socket that already carried a response, is only destroyed.
 */
export function answerClientError(err: Error & { readonly code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = clientErrorOf(err.code);
  const bytesWritten = 'bytesWritten' in socket && typeof socket.bytesWritten === 'number' ? socket.bytesWritten : 0;
  if (socket.writable && bytesWritten === 0) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(err);
}

function clientErrorOf(code: string | undefined): { readonly status: number; readonly body: ErrorEnvelope } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return answer(
        431,
        'IMAGEGATE_REQUEST_HEADERS_TOO_LARGE',
        "the request's headers are longer than Node's limit (16 KiB): send fewer or shorter headers (the API server's are far below it)",
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return answer(
        408,
        'IMAGEGATE_REQUEST_TIMEOUT',
        'the request was not complete within server.headersTimeoutMs (headers) or admission.maxTimeoutMs (whole request): send the whole request at once',
      );
    default:
      return answer(
        400,
        'IMAGEGATE_REQUEST_MALFORMED',
        `the HTTP request cannot be parsed (${code ?? 'no code'}): send an HTTP/1.1 POST of an admission.k8s.io/v1 AdmissionReview (the API server does)`,
      );
  }
}

function answer(status: number, code: ErrorCode, message: string) {
  return { status, body: { error: { code, message } } };
}
