/**
 * The evaluator pool's isolation contract (issue 8, break 1): a review's deadline, whether it
 * fires while the review waits or while it runs, undecides that review only. Real worker
 * threads, the real opa-wasm SDK, policies compiled by imagegate's own compiler.
 */
import t, { type Test } from 'tap';
import { createBundleDecider, type BundleDecider } from '../../src/policy/internal.js';
import type { Verdict } from '../../src/admission/index.js';
import { parseAdmissionReview, extractImages } from '../../src/admission/internal.js';
import { parseImageReference } from '../../src/images/internal.js';
import { podCase, review } from '../fixtures/reviews.js';
import { bundle, expected } from '../fixtures/pool-policy.js';

async function pool(
  t: Test,
  opts: { readonly evaluators: number; readonly maxQueued?: number },
): Promise<BundleDecider> {
  const decider = await createBundleDecider({ bundle, entrypoint: 'imagegate/decision', source: 'pool.rego', ...opts });
  t.teardown(() => decider.close());
  return decider;
}

function ask(decider: BundleDecider, image: string, signal: AbortSignal): Promise<Verdict> {
  const request = parseAdmissionReview(
    review(podCase, { object: podCase.wrap({ containers: [{ name: 'app', image }] }) }),
  );
  const images = extractImages({ kind: request.kind, object: request.object }).map((site) => ({
    site,
    ref: parseImageReference(site.image),
  }));
  return decider.decide({ request, images, signal });
}

const LONG = 240_000;

/** Waits for a pool state change (thread replacement) that has no event of its own; the test timeout bounds it. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 10));
}

t.test('a flood of 1 ms deadlines beside legitimate reviews undecides none of the legitimate ones', async (t) => {
  const decider = await pool(t, { evaluators: 2 });
  let seq = 0;
  const pending = new Set<string>();
  /** For each attacker stopped while running: the legitimate reviews still pending at that moment. */
  const killedBeside: string[][] = [];
  const legit: Promise<void>[] = [];
  const attacks: Promise<Verdict>[] = [];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 6; i++) {
      const attack = ask(decider, `untrusted.example.net/attack-${round}-${i}:1`, AbortSignal.timeout(1));
      attacks.push(
        attack.then((v) => {
          if (v.kind === 'undecided' && v.error.message.includes('the evaluation was stopped'))
            killedBeside.push([...pending]);
          return v;
        }),
      );
      const image =
        i % 2 === 0 ? `registry.example.com/team/app-${round}-${i}:1` : `untrusted.example.net/app-${round}-${i}:1`;
      pending.add(image);
      legit.push(
        ask(decider, image, AbortSignal.timeout(LONG)).then((v) => {
          pending.delete(image);
          seq++;
          t.same(v, expected(image), `${image}: its own verdict`);
        }),
      );
    }
    await Promise.all([...legit, ...attacks]);
  }
  t.equal(seq, 12, 'every legitimate review was decided');
  for (const v of await Promise.all(attacks))
    t.match(v, {
      kind: 'undecided',
      error: { code: 'IMAGEGATE_POLICY_EVALUATION_FAILED', message: /no verdict within the review deadline/ },
    });
  t.ok(killedBeside.length > 0, `attackers were stopped while running (${killedBeside.length} thread kills)`);
  t.ok(
    killedBeside.some((beside) => beside.length > 0),
    "legitimate reviews were pending while attackers' threads were killed",
  );
  t.ok(decider.status().replaced >= killedBeside.length, 'every killed thread was replaced');
  await until(() => decider.status().live === 2);
  t.same(
    await ask(decider, 'registry.example.com/after:1', AbortSignal.timeout(LONG)),
    expected('registry.example.com/after:1'),
    'the refilled pool decides',
  );
});

t.test('a runaway review holds only its own thread; after the kill the pool is whole again', async (t) => {
  const decider = await pool(t, { evaluators: 2 });
  const stop = new AbortController();
  let runawayDone = false;
  const runaway = ask(decider, 'runaway.example.com/loop:1', stop.signal).then((v) => {
    runawayDone = true;
    return v;
  });
  t.match(decider.status(), { threads: 2, live: 2, busy: 1, queued: 0, replaced: 0 }, 'the runaway took one thread');

  const images = Array.from({ length: 8 }, (_, i) =>
    i % 2 === 0 ? `registry.example.com/a/app-${i}:1` : `untrusted.example.net/app-${i}:1`,
  );
  const verdicts = await Promise.all(images.map((image) => ask(decider, image, AbortSignal.timeout(LONG))));
  verdicts.forEach((v, i) => t.same(v, expected(images[i] ?? ''), `review ${i} decided on the other thread`));
  t.equal(runawayDone, false, 'all of them completed while the runaway was still running');
  t.equal(decider.status().busy, 1, 'the runaway still holds its thread');

  stop.abort();
  t.match(await runaway, {
    kind: 'undecided',
    error: { code: 'IMAGEGATE_POLICY_EVALUATION_FAILED', message: /the evaluation was stopped/ },
  });
  t.match(decider.status(), { live: 1, replaced: 1 }, 'its thread was terminated');
  await until(() => decider.status().live === 2);

  // Both threads take work again: two reviews start at once, and both are right.
  const again = ['registry.example.com/b/app:2', 'untrusted.example.net/b/app:2'];
  const both = again.map((image) => ask(decider, image, AbortSignal.timeout(LONG)));
  t.equal(decider.status().busy, 2, 'the replacement thread took a review beside the old one');
  (await Promise.all(both)).forEach((v, i) => t.same(v, expected(again[i] ?? '')));
});

t.test('a full queue refuses at once; a waiting review past its deadline leaves the queue alone', async (t) => {
  const decider = await pool(t, { evaluators: 1, maxQueued: 2 });
  const stop = new AbortController();
  const runaway = ask(decider, 'runaway.example.com/loop:1', stop.signal);
  const first = ask(decider, 'registry.example.com/q/first:1', AbortSignal.timeout(LONG));
  const leaving = new AbortController();
  const second = ask(decider, 'registry.example.com/q/second:1', leaving.signal);
  t.match(decider.status(), { busy: 1, queued: 2 });

  t.match(
    await ask(decider, 'registry.example.com/q/third:1', AbortSignal.timeout(LONG)),
    {
      kind: 'undecided',
      error: {
        code: 'IMAGEGATE_POLICY_QUEUE_FULL',
        message:
          /all 1 policy evaluator thread\(s\) are busy \(or being replaced\) and 2 review\(s\) already wait \(limit policy\.maxQueued = 2\)/,
      },
    },
    'the third waiting review is refused without waiting for its deadline',
  );

  leaving.abort();
  t.match(await second, {
    kind: 'undecided',
    error: { message: /no verdict within the review deadline; the review waited for a free policy evaluator/ },
  });
  t.match(
    decider.status(),
    { busy: 1, queued: 1, replaced: 0 },
    'it left the queue; the running review and its thread were untouched',
  );
  const fourth = ask(decider, 'untrusted.example.net/q/fourth:1', AbortSignal.timeout(LONG));
  t.equal(decider.status().queued, 2, 'its place was free again');

  stop.abort();
  t.match(await runaway, { kind: 'undecided' });
  t.same(await first, expected('registry.example.com/q/first:1'), 'the waiting reviews run on the replacement thread');
  t.same(await fourth, expected('untrusted.example.net/q/fourth:1'));
  t.equal(decider.status().replaced, 1);
});

t.test('close() undecides waiting and running reviews and stops every thread', async (t) => {
  const decider = await pool(t, { evaluators: 1 });
  const running = ask(decider, 'runaway.example.com/loop:1', AbortSignal.timeout(LONG));
  const waiting = ask(decider, 'registry.example.com/c/app:1', AbortSignal.timeout(LONG));
  await decider.close();
  const stopped = {
    kind: 'undecided',
    error: { code: 'IMAGEGATE_POLICY_EVALUATION_FAILED', message: /the policy evaluators were stopped/ },
  };
  t.match(await running, stopped);
  t.match(await waiting, stopped);
  t.match(await ask(decider, 'registry.example.com/c/app:1', AbortSignal.timeout(LONG)), {
    kind: 'undecided',
    error: { message: /are stopped/ },
  });
  t.match(decider.status(), { live: 0, busy: 0, queued: 0 });
});

t.test('every thread loads the bundle at start-up; a bundle that cannot load stops start-up', async (t) => {
  await t.rejects(
    createBundleDecider({
      bundle: { ...bundle, wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]) },
      entrypoint: 'imagegate/decision',
      source: 'broken.tar.gz',
      evaluators: 2,
    }),
    { code: 'IMAGEGATE_POLICY_LOAD_FAILED', message: /broken\.tar\.gz\/policy\.wasm/ },
  );
});
