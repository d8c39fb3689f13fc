import t from 'tap';
import { podCase, review } from '../fixtures/reviews.js';
import { recordingDecider } from '../fixtures/deciders.js';
import { reviewResponse, startTestServer } from '../fixtures/server.js';

const MiB = 'a'.repeat(1024 * 1024);

/** The review with `patch` laid over its `request`. */
function withRequest(patch: Record<string, unknown>): Record<string, unknown> {
  const body = review(podCase);
  const request = body.request;
  if (typeof request !== 'object' || request === null) throw new Error('bad fixture');
  return { ...body, request: { ...request, ...patch } };
}

t.test('decision log lines stay small whatever the request carries (issue 8 break 7)', async (t) => {
  const srv = await startTestServer({ decider: recordingDecider().decider });
  t.teardown(() => srv.close());
  const bodies = [
    withRequest({ name: MiB, namespace: MiB, subResource: MiB, userInfo: { username: MiB, groups: [] } }),
    withRequest({ kind: { group: '', version: 'v1', kind: MiB } }),
    withRequest({ uid: 'u'.repeat(60 * 1024), operation: 'CREATE' }),
  ];
  for (const body of bodies) {
    for (const path of ['/validate', '/mutate']) {
      const res = await srv.post(path, body);
      t.equal(res.status, 200, `${path}: answered`);
      t.type(reviewResponse(res.json).allowed, 'boolean');
    }
  }
  const decisions = srv.logs.filter((l) => l.includes('"admission.decision"'));
  t.equal(decisions.length, bodies.length * 2, 'one decision line per review');
  const longest = Math.max(...decisions.map((l) => l.length));
  // The reason (the denial message, ≤ 4096 chars) is logged whole; every other field is capped.
  t.ok(longest < 8_192, `longest decision line ${longest} chars (the 3 MiB name once made a 3.1 MB line)`);
  const first: unknown = JSON.parse(decisions[0] ?? '{}');
  t.match(
    first,
    {
      name: /^a{253}…\[\+\d+ chars\]$/,
      namespace: /^a{63}…\[\+\d+ chars\]$/,
      subResource: /^a{63}…/,
      user: /^a{256}…/,
    },
    'each field says it was cut and by how much',
  );
  t.ok(
    srv.logs.every((l) => l.length < 64 * 1024),
    'no log line of the server is large',
  );
});
