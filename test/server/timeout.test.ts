import t from 'tap';
import { podCase, review } from '../fixtures/reviews.js';
import { recordingDecider } from '../fixtures/deciders.js';
import { reviewResponse, startTestServer } from '../fixtures/server.js';
import { parseTimeoutQuery, reviewBudgetMs } from '../../src/server/internal.js';
import type { Decider } from '../../src/admission/index.js';

t.test('?timeout= is read only in the API server form: whole seconds', async (t) => {
  for (const [value, ms] of [
    ['1s', 1_000],
    ['10s', 10_000],
    ['30s', 30_000],
    ['0s', 0],
    ['120s', 120_000],
  ] as const) {
    t.equal(parseTimeoutQuery(value), ms, `${value} → ${ms} ms`);
  }
  for (const value of [
    '1ns',
    '1ms',
    '500ms',
    '1.5s',
    '1m',
    '1m30s',
    '10',
    's',
    '-1s',
    ' 10s',
    '10s ',
    '1e3s',
    '0x10s',
    '1000s',
    '',
  ]) {
    t.equal(parseTimeoutQuery(value), undefined, `${JSON.stringify(value)} is malformed`);
  }
});

t.test('the budget is clamp(timeout, floor, ceiling) minus the margin; malformed means the default', async (t) => {
  const limits = { defaultMs: 10_000, minMs: 1_000, maxMs: 30_000, marginMs: 500 };
  const cases: [string | undefined, number][] = [
    [undefined, 9_500],
    ['10s', 9_500],
    ['1ns', 9_500], // the attack: 1 ms before, the default now
    ['0s', 500], // floor
    ['1s', 500],
    ['30s', 29_500],
    ['999s', 29_500], // ceiling
    ['1m', 9_500],
  ];
  for (const [query, budget] of cases)
    t.equal(reviewBudgetMs({ query, limits }), budget, `?timeout=${query ?? '(none)'} → ${budget} ms`);
});

t.test('a caller-chosen tiny ?timeout= no longer undecides its review (issue 8 break 1)', async (t) => {
  // Deciding takes 150 ms: the old 1 ms budget of ?timeout=1ns made every such review undecided.
  const { decider, calls } = recordingDecider({ delayMs: 150 });
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  for (const timeout of ['1ns', '1ms', '0s', '1us']) {
    const res = await srv.post(`/validate?timeout=${timeout}`, review(podCase));
    t.equal(res.status, 200);
    t.match(reviewResponse(res.json), { allowed: true }, `?timeout=${timeout}: decided and allowed`);
  }
  t.equal(calls.length, 4);
});

t.test('?timeout= above the ceiling is held to admission.maxTimeoutMs', async (t) => {
  const never: Decider = {
    decide: ({ signal }) =>
      new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      ),
  };
  const srv = await startTestServer({
    decider: never,
    config: {
      server: { headersTimeoutMs: 1_000 },
      admission: { minTimeoutMs: 1_000, maxTimeoutMs: 2_000, defaultTimeoutMs: 2_000, deadlineMarginMs: 500 },
    },
  });
  t.teardown(() => srv.close());
  const started = performance.now();
  const res = await srv.post('/validate?timeout=30s', review(podCase));
  const elapsed = performance.now() - started;
  t.match(
    reviewResponse(res.json),
    { allowed: false, status: { message: /review deadline/ } },
    'a decision that never comes is undecided (Fail: denied)',
  );
  // 1.5 s budget; asked for 30 s. Generous bound for a loaded box.
  t.ok(elapsed < 10_000, `answered at the ceiling's budget, not 30 s (${Math.round(elapsed)} ms)`);
});
