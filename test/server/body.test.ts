import t from 'tap';
import { PassThrough, Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import {
  readBody,
  MAX_SEGMENT_BYTES,
  MIN_SEGMENT_BYTES,
  type BodyReadResult,
  type ReceivedBody,
} from '../../src/server/internal.js';
import { joinSegments } from '../../src/admission/internal.js';

const MiB = 1024 * 1024;

/** `bytes` as a stream of chunks of the given size (the last one shorter). */
function chunked(bytes: Uint8Array, size: number): Readable {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

function bodyOf(result: BodyReadResult): ReceivedBody {
  if (result.kind !== 'body') throw new Error(`expected a body, got ${result.kind}`);
  return result.body;
}

/** Every segment must own its whole buffer, or transferring it to a parser thread would copy or detach others. */
function ownsItsBuffers(body: ReceivedBody): boolean {
  return body.segments.every((s) => s.byteOffset === 0 && s.byteLength === s.buffer.byteLength && s.byteLength > 0);
}

t.test('chunk boundaries: any chunking gives the same bytes, in owned, bounded segments', async (t) => {
  const bytes = randomBytes(3 * MiB + 12_345);
  for (const size of [1 * MiB, 65_536, 100_003, 16_384, 3 * MiB + 12_345, 5 * MiB]) {
    for (const declaredBytes of [bytes.byteLength, undefined]) {
      const body = bodyOf(await readBody({ stream: chunked(bytes, size), limitBytes: 7 * MiB, declaredBytes }));
      const what = `chunks of ${size}, Content-Length ${declaredBytes ?? 'absent'}`;
      t.equal(body.byteLength, bytes.byteLength, `${what}: length`);
      t.ok(Buffer.from(joinSegments(body.segments)).equals(bytes), `${what}: the joined segments are the body`);
      t.ok(ownsItsBuffers(body), `${what}: each segment owns its whole buffer`);
      t.ok(
        body.segments.every((s) => s.byteLength <= MAX_SEGMENT_BYTES),
        `${what}: no segment is over ${MAX_SEGMENT_BYTES} bytes`,
      );
      t.equal(body.segments[0]?.byteLength, MIN_SEGMENT_BYTES, `${what}: the first segment is the smallest size`);
    }
  }
});

t.test('many tiny chunks, and text chunks', async (t) => {
  const bytes = randomBytes(50_000);
  const body = bodyOf(await readBody({ stream: chunked(bytes, 1), limitBytes: MiB, declaredBytes: undefined }));
  t.ok(Buffer.from(joinSegments(body.segments)).equals(bytes), '50,000 one-byte chunks');
  t.same(
    body.segments.map((s) => s.byteLength),
    [16_384, 16_384, 17_232],
    'segments grow with what was received; the last is cut to its length',
  );
  const text = bodyOf(await readBody({ stream: Readable.from(['{"a":', '"é"}']), limitBytes: 100, declaredBytes: 10 }));
  t.equal(
    Buffer.from(joinSegments(text.segments)).toString('utf8'),
    '{"a":"é"}',
    'text chunks are read as UTF-8 bytes',
  );
});

t.test('an empty body has no segments', async (t) => {
  for (const declaredBytes of [0, undefined]) {
    const body = bodyOf(await readBody({ stream: Readable.from([]), limitBytes: 100, declaredBytes }));
    t.same([body.byteLength, body.segments.length], [0, 0], `Content-Length ${declaredBytes ?? 'absent'}`);
    t.equal(joinSegments(body.segments).byteLength, 0, 'and joins to zero bytes');
  }
});

t.test('the limit: exactly it is read; one byte more stops reading with too-large', async (t) => {
  const bytes = randomBytes(100_000);
  t.equal(
    bodyOf(await readBody({ stream: chunked(bytes, 7_000), limitBytes: 100_000, declaredBytes: undefined })).byteLength,
    100_000,
    'a body of exactly the limit',
  );
  const stream = new PassThrough();
  const over = readBody({ stream, limitBytes: 99_999, declaredBytes: undefined });
  stream.write(bytes.subarray(0, 60_000));
  stream.write(bytes.subarray(60_000));
  t.same(await over, { kind: 'too-large', limitBytes: 99_999, receivedBytes: 100_000 }, 'chunked, one byte over');
  t.equal(stream.listenerCount('data'), 0, 'and it no longer reads (what still comes is discarded)');
  stream.end();
});

t.test('a Content-Length over the limit is refused before anything is read', async (t) => {
  const stream = new PassThrough();
  stream.write('{}');
  t.same(await readBody({ stream, limitBytes: 1_000, declaredBytes: 1_001 }), {
    kind: 'too-large',
    limitBytes: 1_000,
    receivedBytes: 0,
  });
  t.same([stream.listenerCount('data'), stream.readableLength], [0, 2], 'the stream was not read');
});

t.test('memory follows the bytes received, not the Content-Length declared', async (t) => {
  const before = process.memoryUsage().arrayBuffers;
  const streams = Array.from({ length: 32 }, () => new PassThrough());
  const reads = streams.map((stream) => readBody({ stream, limitBytes: 7 * MiB, declaredBytes: 7 * MiB }));
  for (const s of streams) s.write('{"apiVersion":');
  await new Promise((r) => setImmediate(r));
  const grown = process.memoryUsage().arrayBuffers - before;
  t.ok(
    grown < 4 * MiB,
    `32 bodies declaring 7 MiB and sending 14 bytes each hold ${(grown / MiB).toFixed(2)} MiB (pre-allocating would hold 224 MiB)`,
  );
  for (const s of streams) s.destroy();
  t.same(
    new Set((await Promise.all(reads)).map((r) => r.kind)),
    new Set(['stream-error']),
    'and each ends as a stream error when its connection goes',
  );
});

t.test('a body that is not what Content-Length said is refused', async (t) => {
  const bytes = randomBytes(10_000);
  t.same(
    await readBody({ stream: chunked(bytes, 4_096), limitBytes: MiB, declaredBytes: 10_001 }),
    { kind: 'length-mismatch', declaredBytes: 10_001, receivedBytes: 10_000 },
    'shorter',
  );
  const stream = new PassThrough();
  const longer = readBody({ stream, limitBytes: MiB, declaredBytes: 9_999 });
  stream.write(bytes);
  t.same(
    await longer,
    { kind: 'length-mismatch', declaredBytes: 9_999, receivedBytes: 10_000 },
    'longer: refused as soon as it is over',
  );
  stream.end();
});

t.test('a stream that fails or closes early is a stream error', async (t) => {
  const failing = new PassThrough();
  const failed = readBody({ stream: failing, limitBytes: MiB, declaredBytes: undefined });
  failing.write('{"a":');
  failing.destroy(new Error('aborted'));
  t.match(await failed, { kind: 'stream-error', error: { message: 'aborted' } });
  const closing = new PassThrough();
  const closed = readBody({ stream: closing, limitBytes: MiB, declaredBytes: 100 });
  closing.write('{"a":');
  closing.destroy();
  t.match(await closed, { kind: 'stream-error', error: { message: /closed before the body ended/ } });
});
