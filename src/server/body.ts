import type { Readable } from 'node:stream';

/**
 * A request body as received: `segments` in order, each a view over the whole of its own
 * ArrayBuffer (never a shared pool or socket buffer), so they can be transferred to a parser
 * thread without a copy. `byteLength` is their total. An empty body has no segments.
 */
export class ReceivedBody {
  constructor(
    readonly segments: readonly Uint8Array[],
    readonly byteLength: number,
  ) {}
}

export type BodyReadResult =
  | { readonly kind: 'body'; readonly body: ReceivedBody }
  /** `receivedBytes` is what had arrived when reading stopped (0 when Content-Length alone was too large). */
  | { readonly kind: 'too-large'; readonly limitBytes: number; readonly receivedBytes: number }
  | { readonly kind: 'length-mismatch'; readonly declaredBytes: number; readonly receivedBytes: number }
  | { readonly kind: 'stream-error'; readonly error: Error };

/**
 * Segment sizes, in bytes. A segment is allocated only when data arrives for it, each as large as
 * everything received before it, from MIN to MAX: a 2 KB review holds 16 KiB, a 7 MiB one about
 * eight segments, and no single step copies more than one chunk or (at the end) one segment.
 */
export const MIN_SEGMENT_BYTES = 16 * 1024;
export const MAX_SEGMENT_BYTES = 1024 * 1024;

export interface ReadBodyOptions {
  readonly stream: Readable;
  /** Bodies longer than this are refused (server.bodyLimitBytes). */
  readonly limitBytes: number;
  /** The Content-Length header as a number, or undefined when absent (chunked). */
  readonly declaredBytes: number | undefined;
}

/**
 * Reads a request body into segments, with fastify's rules for raw bodies: a Content-Length over
 * the limit is refused before anything is read; reading stops at the first byte over the limit
 * or over Content-Length; a body shorter than Content-Length, a stream error, or a stream closed
 * before its end is refused. Each chunk is copied into the segments as it arrives, so memory
 * grows only with bytes actually received (a client declaring 7 MB and sending nothing holds
 * nothing), and there is no final copy of the whole body: joining 7 MB at once held the event
 * loop ~50 ms, and several bodies ending in one tick ran it for 200 ms without yielding.
 * On refusal the stream is left flowing with no reader (what is still sent is discarded).
 */
export function readBody(opts: ReadBodyOptions): Promise<BodyReadResult> {
  const { stream, limitBytes, declaredBytes } = opts;
  if (declaredBytes !== undefined && declaredBytes > limitBytes)
    return Promise.resolve({ kind: 'too-large', limitBytes, receivedBytes: 0 });
  const maxBytes = Math.min(limitBytes, declaredBytes ?? limitBytes);
  const segments = createSegments();
  return new Promise<BodyReadResult>((resolve) => {
    const finish = (result: BodyReadResult): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: unknown): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (!(bytes instanceof Uint8Array))
        return finish({
          kind: 'stream-error',
          error: new Error('the request stream emitted a chunk that is neither bytes nor text'),
        });
      const received = segments.length() + bytes.byteLength;
      if (received > limitBytes) return finish({ kind: 'too-large', limitBytes, receivedBytes: received });
      if (declaredBytes !== undefined && received > declaredBytes)
        return finish({ kind: 'length-mismatch', declaredBytes, receivedBytes: received });
      segments.append(bytes, maxBytes);
    };
    const onEnd = (): void => {
      const received = segments.length();
      if (declaredBytes !== undefined && received !== declaredBytes)
        return finish({ kind: 'length-mismatch', declaredBytes, receivedBytes: received });
      finish({ kind: 'body', body: segments.done() });
    };
    const onError = (error: Error): void => finish({ kind: 'stream-error', error });
    // A stream destroyed without an error ends with 'close' and no 'end': the body is incomplete.
    const onClose = (): void =>
      finish({ kind: 'stream-error', error: new Error('the request stream closed before the body ended') });
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.resume();
  });
}

interface Segments {
  length(): number;
  /** Copies `chunk` in; never allocates past `maxBytes` in total (the caller checked the chunk fits). */
  append(chunk: Uint8Array, maxBytes: number): void;
  /** The body, with the last segment cut to its used length (so every segment owns its whole buffer). */
  done(): ReceivedBody;
}

function createSegments(): Segments {
  const full: Uint8Array[] = [];
  let current: Uint8Array | undefined;
  let used = 0;
  let total = 0;
  return {
    length: () => total,
    append: (chunk, maxBytes) => {
      let offset = 0;
      while (offset < chunk.byteLength) {
        if (current === undefined || used === current.byteLength) {
          if (current !== undefined) full.push(current);
          current = Buffer.allocUnsafeSlow(
            Math.min(MAX_SEGMENT_BYTES, Math.max(MIN_SEGMENT_BYTES, total), maxBytes - total),
          );
          used = 0;
        }
        const n = Math.min(chunk.byteLength - offset, current.byteLength - used);
        current.set(chunk.subarray(offset, offset + n), used);
        used += n;
        offset += n;
        total += n;
      }
    },
    done: () => {
      if (current === undefined || used === 0) return new ReceivedBody(full, total);
      const last = used === current.byteLength ? current : Buffer.allocUnsafeSlow(used);
      if (last !== current) last.set(current.subarray(0, used));
      return new ReceivedBody([...full, last], total);
    },
  };
}
