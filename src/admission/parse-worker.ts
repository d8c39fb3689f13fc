/**
 * The review parser thread: runs summariseReview on large bodies so that the strict JSON scan,
 * JSON.parse and image extraction (hundreds of ms for a 7 MiB body with 400k keys) never hold
 * the event loop. The parsed object lives and dies here; only the summary goes back.
 *
 * One task at a time. In: { segments: Uint8Array[] (the body in order, their buffers transferred),
 * limits: SummaryLimits }; the segments are joined here, so that copy is off the event loop too.
 * Out: { ok: true, summary } | { ok: false, code?, message } (code: an ImagegateError's).
 */
import { parentPort } from 'node:worker_threads';
import { isImagegateError, errorMessage } from '../errors/index.js';
import { summariseReview } from './summary.js';
import { joinSegments } from './segments.js';

const port = parentPort;
if (port === null) throw new Error('src/admission/parse-worker.ts runs only as a worker thread');

port.on('message', (msg: unknown) => {
  const segments = field(msg, 'segments');
  const limits = field(msg, 'limits');
  if (!isSegments(segments) || !isLimits(limits)) {
    port.postMessage({ ok: false, message: 'the parser thread was sent a task without segments and limits' });
    return;
  }
  try {
    port.postMessage({ ok: true, summary: summariseReview({ bytes: joinSegments(segments), limits }) });
  } catch (err) {
    port.postMessage(
      isImagegateError(err)
        ? { ok: false, code: err.code, message: err.message }
        : { ok: false, message: errorMessage(err) },
    );
  }
});

function field(msg: unknown, name: string): unknown {
  const value: unknown = typeof msg === 'object' && msg !== null ? Reflect.get(msg, name) : undefined;
  return value;
}

function isSegments(v: unknown): v is Uint8Array[] {
  return Array.isArray(v) && v.every((s: unknown) => s instanceof Uint8Array);
}

function isLimits(v: unknown): v is { readonly maxDepth: number; readonly maxImages: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    'maxDepth' in v &&
    typeof v.maxDepth === 'number' &&
    'maxImages' in v &&
    typeof v.maxImages === 'number'
  );
}
