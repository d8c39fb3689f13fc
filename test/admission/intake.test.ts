import t from 'tap';
import { createReviewIntake, type ReviewIntake } from '../../src/admission/index.js';
import { summariseReview, type IntakeLimits } from '../../src/admission/internal.js';
import { isImagegateError } from '../../src/errors/index.js';
import { kindCases, paddedReview, podCase, review } from '../fixtures/reviews.js';

const summary = { maxDepth: 64, maxImages: 5 };
const limits = (over: Partial<IntakeLimits> = {}): IntakeLimits => ({
  maxConcurrentReviews: 100,
  maxParsingBytes: 32 * 1024 * 1024,
  parseInWorkerAboveBytes: 0,
  summary,
  ...over,
});
const bytesOf = (v: unknown): Uint8Array => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const never = (): AbortSignal => new AbortController().signal;

/** The bodies of every shape the parse step distinguishes: review, skip, reject, and each error. */
function corpus(): [string, Uint8Array][] {
  const good = JSON.stringify(review(podCase));
  const spec = (containers: unknown) => podCase.wrap({ containers });
  return [
    ...kindCases.map((kc): [string, Uint8Array] => [`CREATE ${kc.kind}`, bytesOf(review(kc))]),
    [
      'UPDATE, one image changed',
      bytesOf(
        review(podCase, {
          operation: 'UPDATE',
          object: spec([
            { name: 'a', image: 'x:2' },
            { name: 'b', image: 'y:1' },
          ]),
          oldObject: spec([
            { name: 'a', image: 'x:1' },
            { name: 'b', image: 'y:1' },
          ]),
        }),
      ),
    ],
    ['DELETE', bytesOf(review(podCase, { operation: 'DELETE' }))],
    [
      'too many images',
      bytesOf(
        review(podCase, { object: spec(Array.from({ length: 6 }, (_, i) => ({ name: `c${i}`, image: `r/i:${i}` }))) }),
      ),
    ],
    ['containers is not a list', bytesOf(review(podCase, { object: { spec: { containers: 'nginx' } } }))],
    ['unsupported kind', bytesOf(review({ ...podCase, group: 'apps', kind: 'Foo' }))],
    [
      'pull secrets and service account',
      bytesOf(
        review(podCase, {
          object: podCase.wrap({
            containers: [{ name: 'a', image: 'r/a:1' }],
            imagePullSecrets: [{ name: 's1' }, { name: 's2' }],
            serviceAccountName: 'builder',
          }),
        }),
      ),
    ],
    ['duplicate key', bytesOf(good.replace('"operation":"CREATE"', '"operation":"CREATE","operation":"DELETE"'))],
    ['too deep', bytesOf(`${'['.repeat(100)}${']'.repeat(100)}`)],
    ['truncated', bytesOf(good.slice(0, 100))],
    ['empty', new Uint8Array(0)],
    [
      'invalid UTF-8 in the uid',
      Buffer.concat([
        Buffer.from(good.slice(0, good.indexOf('705ab4f5'))),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(good.slice(good.indexOf('705ab4f5'))),
      ]),
    ],
    ['padded', bytesOf(paddedReview({ bytes: 300_000, keys: 20_000 }))],
  ];
}

type Result = { ok: true; value: unknown } | { ok: false; code: string; message: string };
const settle = async (f: () => unknown): Promise<Result> => {
  try {
    return { ok: true, value: await f() };
  } catch (err) {
    return isImagegateError(err)
      ? { ok: false, code: err.code, message: err.message }
      : { ok: false, code: 'not an ImagegateError', message: String(err) };
  }
};

/** `bytes` cut into owned segments at the given offsets (which may fall inside a UTF-8 sequence). */
function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const inside = [...new Set(at)].filter((i) => i > 0 && i < bytes.byteLength).sort((a, b) => a - b);
  const ends = [...inside, bytes.byteLength];
  return ends.map((end, i) => new Uint8Array(bytes.subarray(i === 0 ? 0 : ends[i - 1], end)));
}

t.test(
  'the parser thread gives exactly what the inline parse gives, errors included, whatever the segments',
  async (t) => {
    const threadedIntake = createReviewIntake({ limits: limits(), idleMs: 200 });
    const inlineIntake = createReviewIntake({ limits: limits({ parseInWorkerAboveBytes: 1 << 30 }) });
    t.teardown(async () => {
      await threadedIntake.close();
      await inlineIntake.close();
    });
    const through = (intake: ReviewIntake, segments: Uint8Array[]) =>
      settle(async () => {
        const accepted = await intake.accept({ segments, signal: never() });
        accepted.release();
        return accepted.summary;
      });
    for (const [name, bytes] of corpus()) {
      const inline = await settle(() => summariseReview({ bytes, limits: summary }));
      t.same(await through(threadedIntake, [new Uint8Array(bytes)]), inline, `${name}: one segment, parser thread`);
      // Cuts every few bytes through the uid (where the invalid and multi-byte cases are), and near the end.
      const uidAt = Buffer.from(bytes).indexOf('705ab4f5');
      const cuts = [1, 3, uidAt + 1, uidAt + 2, uidAt + 9, bytes.byteLength - 1];
      t.same(await through(threadedIntake, cut(bytes, cuts)), inline, `${name}: cut into segments, parser thread`);
      t.same(await through(inlineIntake, cut(bytes, cuts)), inline, `${name}: cut into segments, inline`);
    }
    t.equal(threadedIntake.parserThreads(), 1, 'one parser thread did all of it');
    await new Promise((r) => setTimeout(r, 1_000));
    t.equal(threadedIntake.parserThreads(), 0, 'and it ended once idle, taking its heap with it');
  },
);

t.test('summaries: metadata, the images to decide, pull references; never the object', async (t) => {
  const bytes = corpus().find(([n]) => n === 'pull secrets and service account')?.[1] ?? new Uint8Array(0);
  const s = summariseReview({ bytes, limits: summary });
  t.match(s, {
    request: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', operation: 'CREATE', namespace: 'team-a' },
    selection: { kind: 'review', sites: [{ container: 'a', image: 'r/a:1', pointer: '/spec/containers/0/image' }] },
    pull: { imagePullSecrets: ['s1', 's2'], serviceAccountName: 'builder' },
  });
  t.notOk('object' in s.request || 'oldObject' in s.request, 'the parsed object is not carried along');
  const invalid = await settle(() => summariseReview({ bytes: Buffer.from([0x7b, 0xff, 0x7d]), limits: summary }));
  t.match(invalid, { ok: false, code: 'IMAGEGATE_REQUEST_NOT_UTF8', message: /not valid UTF-8/ });
});

t.test('a body handed to the parser thread is moved, not copied', async (t) => {
  const intake = createReviewIntake({ limits: limits(), idleMs: 50 });
  t.teardown(() => intake.close());
  const segments = cut(bytesOf(review(podCase)), [100, 200]);
  const accepted = await intake.accept({ segments, signal: never() });
  accepted.release();
  t.equal(
    accepted.summary.request.uid,
    '705ab4f5-6393-11e8-b7cc-42010a800002',
    'the thread joined the segments in order',
  );
  t.same(
    segments.map((s) => s.byteLength),
    [0, 0, 0],
    'every segment is detached: its buffer went to the thread',
  );
  const pooled = Buffer.from('{"kind":"AdmissionReview"}');
  const neighbour = Buffer.from('still here');
  await settle(() => intake.accept({ segments: [pooled], signal: never() }));
  t.equal(neighbour.toString(), 'still here', 'a Buffer sharing a pool is copied, so its neighbours stay intact');
});

t.test('server.maxConcurrentReviews: one review too many is refused at once, and the slot returns', async (t) => {
  const intake = createReviewIntake({ limits: limits({ maxConcurrentReviews: 2, parseInWorkerAboveBytes: 1 << 20 }) });
  t.teardown(() => intake.close());
  const body = () => bytesOf(review(podCase));
  const a = await intake.accept({ segments: [body()], signal: never() });
  const b = await intake.accept({ segments: [body()], signal: never() });
  await t.rejects(intake.accept({ segments: [body()], signal: never() }), {
    code: 'IMAGEGATE_SERVER_BUSY',
    message: /2 reviews are in progress already; the cap is server\.maxConcurrentReviews \(2\)/,
  });
  a.release();
  a.release();
  const c = await intake.accept({ segments: [body()], signal: never() });
  await t.rejects(
    intake.accept({ segments: [body()], signal: never() }),
    { code: 'IMAGEGATE_SERVER_BUSY' },
    'a second release() of one review frees nothing more',
  );
  b.release();
  c.release();
  await t.rejects(intake.accept({ segments: [bytesOf('{')], signal: never() }), {
    code: 'IMAGEGATE_REQUEST_MALFORMED',
  });
  const d = await intake.accept({
    segments: [bytesOf(review(podCase, { uid: 'after-malformed-1' }))],
    signal: never(),
  });
  const e = await intake.accept({
    segments: [bytesOf(review(podCase, { uid: 'after-malformed-2' }))],
    signal: never(),
  });
  t.same(
    [d.summary.request.uid, e.summary.request.uid],
    ['after-malformed-1', 'after-malformed-2'],
    'a review that failed to parse gave its slot back: both slots admit again',
  );
  await t.rejects(intake.accept({ segments: [body()], signal: never() }), { code: 'IMAGEGATE_SERVER_BUSY' });
  d.release();
  e.release();
});

t.test(
  'server.maxParsingBytes: bodies beyond the cap are refused while others parse; inline ones never wait',
  async (t) => {
    const intake = createReviewIntake({
      limits: limits({ maxParsingBytes: 700_000, parseInWorkerAboveBytes: 100_000 }),
    });
    t.teardown(() => intake.close());
    const big = () => bytesOf(paddedReview({ bytes: 400_000, keys: 20_000 }));
    const first = intake.accept({ segments: [big()], signal: never() });
    const second = intake.accept({ segments: [big()], signal: never() });
    const small = await intake.accept({ segments: [bytesOf(review(podCase))], signal: never() });
    t.equal(
      small.summary.selection.kind,
      'review',
      'a small body is parsed inline at once, whatever the threads are doing',
    );
    small.release();
    await t.rejects(second, {
      code: 'IMAGEGATE_SERVER_BUSY',
      message:
        /0\.\d MiB body refused: 0\.\d MiB of review bodies are waiting for or in the parser already and the cap is 0\.7 MiB \(server\.maxParsingBytes\)/,
    });
    (await first).release();
    const third = await intake.accept({ segments: [big()], signal: never() });
    t.equal(third.summary.request.uid, 'padded-0001', 'once the first parse is done, the bytes are free again');
    third.release();
  },
);

t.test('a parse that outlives the review deadline answers DEADLINE_EXCEEDED, never a summary', async (t) => {
  const intake = createReviewIntake({ limits: limits() });
  t.teardown(() => intake.close());
  await t.rejects(intake.accept({ segments: [bytesOf(review(podCase))], signal: AbortSignal.abort() }), {
    code: 'IMAGEGATE_DEADLINE_EXCEEDED',
    message: /parsing the 0\.0 MiB request body did not finish/,
  });
  const ok = await intake.accept({ segments: [bytesOf(review(podCase))], signal: never() });
  t.equal(ok.summary.selection.kind, 'review', 'the next review is parsed normally');
  ok.release();
});
