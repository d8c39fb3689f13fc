import { ImagegateError } from '../errors/index.js';

/**
 * Refuses a Content-Type whose charset is not UTF-8 (IMAGEGATE_REQUEST_CHARSET_UNSUPPORTED, 415).
 * Bodies are decoded as UTF-8 only; reading `charset=utf-16` bytes as UTF-8 would make us decide
 * on different text than the sender meant. No charset, or `utf-8` in any case, quoted or not, passes.
 */
export function charsetProblem(contentType: string | undefined): ImagegateError | undefined {
  const params = (contentType ?? '').split(';').slice(1);
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (charset.toLowerCase() === 'utf-8') continue;
    return new ImagegateError(
      'IMAGEGATE_REQUEST_CHARSET_UNSUPPORTED',
      `content type charset ${JSON.stringify(charset.slice(0, 40))} is not supported; send the AdmissionReview as UTF-8 (application/json, optionally with charset=utf-8)`,
    );
  }
  return undefined;
}
