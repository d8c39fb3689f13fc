import t from 'tap';
import { mutateRequest, type Pinner, type PinOutcome } from '../../src/admission/index.js';
import { summariseReview } from '../../src/admission/internal.js';
import { ImagegateError } from '../../src/errors/index.js';
import { podCase, review } from '../fixtures/reviews.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: {
    containers: [
      { name: 'app', image: 'registry.example.com/team/app:1' },
      { name: 'pinned', image: `registry.example.com/team/db@sha256:${'a'.repeat(64)}` },
    ],
  },
};
const summary = summariseReview({
  bytes: Buffer.from(JSON.stringify(review(podCase, { object: pod }))),
  limits: { maxDepth: 64, maxImages: 10 },
});

async function mutate(pinner?: Pinner) {
  return mutateRequest({ summary, signal: new AbortController().signal, deps: pinner === undefined ? {} : { pinner } });
}

function pinnerThat(answer: () => Promise<readonly PinOutcome[]>): Pinner {
  return { pin: answer };
}

t.test('a registry failure keeps its code beside the readable warning', async (t) => {
  const out = await mutate(
    pinnerThat(async () => [
      {
        kind: 'unresolved',
        code: 'IMAGEGATE_REGISTRY_TIMEOUT',
        reason: 'registry registry.example.com: no answer within 3000 ms',
      },
    ]),
  );
  t.same(
    out.unpinned,
    [{ image: 'registry.example.com/team/app:1', code: 'IMAGEGATE_REGISTRY_TIMEOUT' }],
    'only the tagged image, with its code',
  );
  t.same(out.warnings, ['container "app" not pinned: registry registry.example.com: no answer within 3000 ms']);
});

t.test('without a registry the tag is left with IMAGEGATE_REGISTRY_NOT_CONFIGURED', async (t) => {
  const out = await mutate();
  t.same(out.unpinned, [{ image: 'registry.example.com/team/app:1', code: 'IMAGEGATE_REGISTRY_NOT_CONFIGURED' }]);
  t.match(out.warnings, [/no registry is configured/]);
});

t.test('a pinner that throws: an ImagegateError keeps its code, anything else is IMAGEGATE_INTERNAL', async (t) => {
  const deadline = await mutate(
    pinnerThat(async () => {
      throw new ImagegateError(
        'IMAGEGATE_DEADLINE_EXCEEDED',
        'tag resolution did not finish within the review deadline',
      );
    }),
  );
  t.same(deadline.unpinned, [{ image: 'registry.example.com/team/app:1', code: 'IMAGEGATE_DEADLINE_EXCEEDED' }]);
  const bug = await mutate(
    pinnerThat(async () => {
      throw new TypeError('x is undefined');
    }),
  );
  t.same(bug.unpinned, [{ image: 'registry.example.com/team/app:1', code: 'IMAGEGATE_INTERNAL' }]);
  const short = await mutate(pinnerThat(async () => []));
  t.same(
    short.unpinned,
    [{ image: 'registry.example.com/team/app:1', code: 'IMAGEGATE_INTERNAL' }],
    'a missing outcome',
  );
});

t.test('nothing unpinned: no unpinned field', async (t) => {
  const out = await mutate(
    pinnerThat(async () => [{ kind: 'pinned', image: `registry.example.com/team/app:1@sha256:${'b'.repeat(64)}` }]),
  );
  t.notOk('unpinned' in out);
  t.equal(out.kind === 'allowed' ? out.patch?.length : undefined, 1);
});
