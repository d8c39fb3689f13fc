/**
 * Issue 8, break 1, through the real HTTPS webhook: `POST /validate?timeout=1s` sent in
 * parallel with a 999 ms deadline margin (a 1 ms budget, the smallest the server allows)
 * beside legitimate reviews, under failurePolicy Ignore, where an
 * undecided legitimate review would be ADMITTED. The attackers' own answers are not asserted:
 * how `?timeout=` is floored is the server's business; none of them may touch the others.
 */
import t from 'tap';
import { createBundleDecider } from '../../src/policy/internal.js';
import { podCase, review } from '../fixtures/reviews.js';
import { reviewResponse, startTestServer } from '../fixtures/server.js';
import { bundle } from '../fixtures/pool-policy.js';

const pod = (image: string) => review(podCase, { object: podCase.wrap({ containers: [{ name: 'app', image }] }) });

t.test('parallel 1 ms-budget reviews undecide none of the legitimate reviews beside them', async (t) => {
  const decider = await createBundleDecider({
    bundle,
    entrypoint: 'imagegate/decision',
    source: 'pool.rego',
    evaluators: 2,
  });
  t.teardown(() => decider.close());
  // Legitimate reviews carry no ?timeout=: the largest default (29 s after the margin), since
  // replacement threads load slowly (seconds) under the test loader on a busy machine.
  const srv = await startTestServer({
    decider,
    config: { admission: { failurePolicy: 'Ignore', defaultTimeoutMs: 30_000, deadlineMarginMs: 999 } },
  });
  t.teardown(() => srv.close());

  let legitDone = false;
  const attackers = Array.from({ length: 4 }, async () => {
    let sent = 0;
    while (!legitDone && sent < 5) {
      await srv.post('/validate?timeout=1s', pod(`untrusted.example.net/attack-${sent++}:1`));
    }
    return sent;
  });
  const images = Array.from({ length: 12 }, (_, i) =>
    i % 2 === 0 ? `registry.example.com/team/app-${i}:1` : `untrusted.example.net/app-${i}:1`,
  );
  const answers = await Promise.all(
    images.map(async (image) => reviewResponse((await srv.post('/validate', pod(image))).json)),
  );
  legitDone = true;
  const sent = (await Promise.all(attackers)).reduce((a, b) => a + b, 0);
  t.ok(sent >= 4, `${sent} attacking reviews were sent alongside`);

  answers.forEach((r, i) => {
    const image = images[i] ?? '';
    if (image.startsWith('registry.example.com/')) {
      t.same([r.allowed, r.warnings], [true, [image]], `${image}: admitted by the policy, with its own warning`);
    } else {
      t.match(
        r,
        {
          allowed: false,
          status: {
            code: 403,
            message: /\n- spec\.containers\[0\] \(container "app"\): image "untrusted[^"]+": trusted: untrusted/,
          },
        },
        `${image}: denied by the policy, not admitted undecided`,
      );
    }
  });
});
