import type { ErrorCode } from './codes.js';

export { fixOf, httpStatusOf, isErrorCode, type ErrorCode } from './codes.js';

/**
 * The one error base class of imagegate. Every error a user can see carries a stable `code`
 * (one of ERROR_CODES, documented in docs/errors.md, never renamed once released) and, where
 * another error caused it, `cause`. Messages say what was expected, what was found, and how to fix it.
 */
export class ImagegateError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'ImagegateError';
  }
}

/** True when `err` is an ImagegateError, optionally with the given code. */
export function isImagegateError<C extends ErrorCode>(err: unknown, code: C): err is ImagegateError<C>;
export function isImagegateError(err: unknown): err is ImagegateError;
export function isImagegateError(err: unknown, code?: ErrorCode): err is ImagegateError {
  return err instanceof ImagegateError && (code === undefined || err.code === code);
}

/** Renders any thrown value as a message without trusting its shape. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}
