/**
 * The one error base class of imagegate. Every error a user can see carries a stable `code`
 * (documented in docs/errors.md, never renamed once released) and, where another error caused
 * it, `cause`. Messages say what was expected, what was found, and how to fix it.
 */
export class ImagegateError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'ImagegateError';
  }
}

/** True when `err` is an ImagegateError, optionally with the given code. */
export function isImagegateError(err: unknown, code?: string): err is ImagegateError {
  return err instanceof ImagegateError && (code === undefined || err.code === code);
}

/** Renders any thrown value as a message without trusting its shape. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}
