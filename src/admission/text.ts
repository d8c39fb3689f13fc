import { ImagegateError } from '../errors/index.js';

/** Throws on the first invalid sequence instead of writing U+FFFD. Keeps a leading BOM out of the text. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text, refusing bytes that are not UTF-8 (RFC 8259 §8.1: JSON exchanged between
 * systems is UTF-8). A lenient decode would turn a broken uid into U+FFFD, and the response's uid
 * would then differ from the request's: the API server drops such a response.
 */
export function decodeUtf8Body(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_REQUEST_NOT_UTF8',
      `request body is not valid UTF-8 (${bytes.byteLength} bytes); a JSON AdmissionReview must be UTF-8 encoded, as the API server sends it`,
      { cause: err },
    );
  }
}
