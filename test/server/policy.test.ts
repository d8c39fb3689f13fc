import t from 'tap';
import { podCase, review } from '../fixtures/reviews.js';
import { reviewResponse, startTestServer, statusMessage } from '../fixtures/server.js';
import { loadDecider } from '../../src/policy/index.js';
import { defaultConfig } from '../../src/config/index.js';

t.test('the shipped policies, compiled at start-up, decide over real HTTPS', async (t) => {
  const decider = await loadDecider({
    policy: {
      ...defaultConfig.policy,
      data: {
        imagegate: { config: { trusted_registries: ['registry.example.com', 'Registry.Example.com:5000/ops'] } },
      },
    },
  });
  t.teardown(() => decider.close());
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const pod = (containers: { name: string; image: string }[]) =>
    review(podCase, { object: podCase.wrap({ containers }) });

  const ok = reviewResponse(
    (
      await srv.post(
        '/validate',
        pod([
          { name: 'app', image: 'registry.example.com/team/app:1.2' },
          { name: 'ops', image: 'registry.example.com:5000/ops/tool@sha256:' + 'b'.repeat(64) },
        ]),
      )
    ).json,
  );
  t.equal(ok.allowed, true, 'images under trusted prefixes are admitted');

  const bad = reviewResponse(
    (
      await srv.post(
        '/validate',
        pod([
          { name: 'app', image: 'registry.example.com/team/app:1.2' },
          { name: 'sidecar', image: 'registry.example.com.evil.io/team/app:1' },
          { name: 'tool', image: 'registry.example.com:5000/opsx/tool:2' },
        ]),
      )
    ).json,
  );
  t.equal(bad.allowed, false);
  t.match(bad.status, { code: 403 });
  t.equal(
    statusMessage(bad),
    [
      'imagegate denied Pod "team-a/web" (2 violations):',
      '- spec.containers[1] (container "sidecar"): image "registry.example.com.evil.io/team/app:1": trusted-registries: registry.example.com.evil.io/team/app is not in the trusted registries (registries.hosts); fix: use an image under one of: registry.example.com, Registry.Example.com:5000/ops',
      '- spec.containers[2] (container "tool"): image "registry.example.com:5000/opsx/tool:2": trusted-registries: registry.example.com:5000/opsx/tool is not in the trusted registries (registries.hosts); fix: use an image under one of: registry.example.com, Registry.Example.com:5000/ops',
    ].join('\n'),
  );
});

t.test('without trusted registries the shipped policy denies and says why', async (t) => {
  const decider = await loadDecider({ policy: defaultConfig.policy });
  t.teardown(() => decider.close());
  const srv = await startTestServer({ decider });
  t.teardown(() => srv.close());
  const r = reviewResponse((await srv.post('/validate', review(podCase))).json);
  t.equal(r.allowed, false);
  t.match(r.warnings, [/no trusted registries are configured/]);
});

t.test('a decision entrypoint that does not exist stops start-up with the fix', async (t) => {
  await t.rejects(loadDecider({ policy: { ...defaultConfig.policy, entrypoint: 'imagegate/nope' } }), {
    code: 'IMAGEGATE_REGO_ENTRYPOINT_UNDEFINED',
    message: /entrypoint "imagegate\/nope" does not refer to a rule/,
  });
});
