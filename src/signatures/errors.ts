import { ImagegateError, type ErrorCode } from '../errors/index.js';

/** Why the signatures source could not start. */
export type SignatureFailure = 'config';

const CODES = {
  config: 'IMAGEGATE_SIGNATURES_CONFIG_INVALID',
} as const satisfies Record<SignatureFailure, ErrorCode>;

export function signatureError(
  kind: SignatureFailure,
  message: string,
  options?: { readonly cause?: unknown },
): ImagegateError {
  return new ImagegateError(CODES[kind], message, options);
}
