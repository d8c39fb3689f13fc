/** A response body as undici (or any stream) hands it over: chunks, and a way to stop reading. */
export interface BoundedBody extends AsyncIterable<unknown> {
  destroy(): unknown;
  /** Node streams: the refused body's abort error is heard here instead of crashing the process. */
  on?(event: 'error', listener: (err: unknown) => void): unknown;
}

/**
 * Stops reading. A stream destroyed before it was read to its end emits an error (undici: a
 * RequestAbortedError, a tick later); with no listener that is an uncaught exception, so a
 * registry declaring an oversized body could crash the webhook.
 */
function discard(body: BoundedBody): void {
  body.on?.('error', () => undefined);
  body.destroy();
}

/** What exceeded the limit: the declared length when that alone refused the body (bytes). */
export interface TooLarge {
  readonly declared: number | undefined;
  readonly maxBytes: number;
}

/**
 * Reads a whole body into one Buffer, never holding more than `maxBytes` (blocks a peer that
 * streams without end, or declares a huge body, to exhaust the webhook's memory). A declared
 * length (Content-Length, as received) over the limit refuses the body before a byte is read.
 * On refusal the body is destroyed and the error `tooLarge` builds is thrown, so each caller
 * keeps its own code and wording.
 */
export async function readBounded(opts: {
  readonly body: BoundedBody;
  readonly maxBytes: number;
  readonly declaredLength?: string | undefined;
  readonly tooLarge: (what: TooLarge) => Error;
}): Promise<Buffer> {
  const { body, maxBytes } = opts;
  const declared = opts.declaredLength === undefined ? undefined : Number(opts.declaredLength);
  if (declared !== undefined && declared > maxBytes) {
    discard(body);
    throw opts.tooLarge({ declared, maxBytes });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = bytesOf(chunk);
    total += buf.length;
    if (total > maxBytes) {
      discard(body);
      throw opts.tooLarge({ declared: undefined, maxBytes });
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function bytesOf(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(`a body chunk must be bytes or text, got ${typeof chunk}`);
}
