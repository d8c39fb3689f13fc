/**
 * Config `enforcement` through the webhook (fastify inject): warn answers with the warning text,
 * audit and dry-run admit and leave only the decision line and the metric, exemptions carry
 * their reason into the log, labels that cannot be read fail closed, and system or fully exempt
 * namespaces are not evaluated at all (the decider is never asked).
 */
import t, { type Test } from 'tap';
import { validateConfig } from '../../src/config/internal.js';
import { createMetrics } from '../../src/server/index.js';
import { buildApp } from '../../src/server/internal.js';
import type { Decider, NamespaceLabels, NamespaceLabelsReader } from '../../src/admission/index.js';
import { isRecord } from '../../src/guards/index.js';
import { memoryLog, reviewResponse, statusMessage } from '../fixtures/server.js';
import { podReview, twoRuleDecider } from '../fixtures/enforcement.js';

/** Namespaces whose labels were read, in order. */
const reads: string[] = [];
/** Namespace labels as the API would answer; `locked` cannot be read (RBAC 403). */
const reader: NamespaceLabelsReader = {
  read: ({ namespace }): Promise<NamespaceLabels> => {
    reads.push(namespace);
    return Promise.resolve(
      namespace === 'locked'
        ? { kind: 'error', error: { code: 'IMAGEGATE_KUBE_FORBIDDEN', message: 'reading namespace locked: HTTP 403' } }
        : { kind: 'labels', labels: LABELS[namespace] ?? {} },
    );
  },
};
const LABELS: Readonly<Record<string, Record<string, string>>> = {
  strict: { 'imagegate.io/enforce': 'true' },
  platform: { team: 'platform' },
  sandbox: { sandbox: 'true' },
};

function webhook(t: Test, enforcement: Record<string, unknown>, policy?: Decider) {
  const config = validateConfig({
    value: { enforcement, admission: { namespaceLabels: { enabled: true } } },
    source: 'test',
  });
  const recording = twoRuleDecider();
  const { calls } = recording;
  const decider = policy ?? recording.decider;
  const log = memoryLog();
  const metrics = createMetrics();
  const app = buildApp({ config, logger: log.logger, decider, namespaceLabels: reader, metrics });
  t.teardown(() => app.close());
  return {
    calls,
    async validate(body: unknown) {
      const res = await app.inject({
        method: 'POST',
        url: '/validate',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      return reviewResponse(res.json<unknown>());
    },
    /** The last decision line. */
    decision(): Record<string, unknown> {
      const lines = log.lines
        .map((l): unknown => JSON.parse(l))
        .filter((l) => isRecord(l) && l.event === 'admission.decision');
      const last = lines.at(-1);
      if (!isRecord(last)) throw new Error('no decision line');
      return last;
    },
    async violationsMetric(): Promise<string[]> {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      return text.split('\n').filter((l) => l.startsWith('imagegate_policy_violations_total{'));
    },
  };
}

const latestIn = (namespace: string, container: string) =>
  podReview({ namespace, containers: [{ name: container, image: 'registry.example.com/team/app:latest' }] });
const latest = (namespace: string) => latestIn(namespace, 'app');

t.test('warn: admitted with the warning kubectl prints; logged as warned and counted', async (t) => {
  const w = webhook(t, { rules: { 'tag-hygiene': 'warn' } });
  const r = await w.validate(latest('team-a'));
  t.equal(r.allowed, true);
  t.same(r.warnings, ['tag-hygiene: container "app": registry.example.com/team/app:latest has no version tag']);
  t.match(w.decision(), {
    verdict: 'allow',
    warned: [
      {
        rule: 'tag-hygiene',
        path: 'spec.containers[0]',
        container: 'app',
        image: 'registry.example.com/team/app:latest',
        message: 'registry.example.com/team/app:latest has no version tag',
      },
    ],
    warnedCount: 1,
  });
  t.same(await w.violationsMetric(), ['imagegate_policy_violations_total{rule="tag-hygiene",mode="warn"} 1']);
});

t.test('audit: admitted without a word to the user; only the log line and the metric', async (t) => {
  const w = webhook(t, { rules: { '*': 'audit' } });
  const r = await w.validate(podReview({ containers: [{ name: 'app', image: 'docker.io/library/nginx:latest' }] }));
  t.same([r.allowed, r.warnings, r.status], [true, undefined, undefined]);
  t.match(w.decision(), { audited: [{ rule: 'tag-hygiene' }, { rule: 'trusted-registries' }], auditedCount: 2 });
  t.same((await w.violationsMetric()).sort(), [
    'imagegate_policy_violations_total{rule="tag-hygiene",mode="audit"} 1',
    'imagegate_policy_violations_total{rule="trusted-registries",mode="audit"} 1',
  ]);
});

t.test('dry-run: what would be denied is admitted, logged as wouldDeny and counted as dry-run', async (t) => {
  const w = webhook(t, { dryRun: true, rules: { 'tag-hygiene': 'warn' } });
  const r = await w.validate(podReview({ containers: [{ name: 'app', image: 'docker.io/library/nginx:latest' }] }));
  t.equal(r.allowed, true);
  t.same(r.warnings, ['tag-hygiene: container "app": docker.io/library/nginx:latest has no version tag']);
  t.match(w.decision(), { verdict: 'allow', wouldDeny: [{ rule: 'trusted-registries', container: 'app' }] });
  t.same((await w.violationsMetric()).sort(), [
    'imagegate_policy_violations_total{rule="tag-hygiene",mode="warn"} 1',
    'imagegate_policy_violations_total{rule="trusted-registries",mode="dry-run"} 1',
  ]);
});

t.test(
  'enforce: only enforced violations deny; the log reason is the message, warned ones stay warnings',
  async (t) => {
    const w = webhook(t, { rules: { 'tag-hygiene': 'warn' } });
    const r = await w.validate(podReview({ containers: [{ name: 'web', image: 'docker.io/library/nginx:latest' }] }));
    t.equal(r.allowed, false);
    const message = statusMessage(r);
    t.equal(
      message,
      'imagegate denied Pod "team-a/web" (1 violation):\n' +
        '- spec.containers[0] (container "web"): image "docker.io/library/nginx:latest": trusted-registries: registry docker.io is not trusted; fix: use an image from registry.example.com',
    );
    t.same(r.warnings, ['tag-hygiene: container "web": docker.io/library/nginx:latest has no version tag']);
    t.match(w.decision(), {
      verdict: 'deny',
      reason: message,
      denied: [{ rule: 'trusted-registries' }],
      deniedCount: 1,
    });
  },
);

t.test('exemptions: each selector, with the reason in the decision line and the exempt metric', async (t) => {
  const reason = 'legacy apps until 2027-03, ticket OPS-12';
  const cases: { name: string; exemption: Record<string, unknown>; namespace: string; image: string }[] = [
    {
      name: 'namespace',
      exemption: { namespaces: ['legacy'], images: ['*'] },
      namespace: 'legacy',
      image: 'docker.io/a/b',
    },
    {
      name: 'labels',
      exemption: { namespaceLabels: { team: 'platform' }, rules: ['tag-hygiene', 'trusted-registries'] },
      namespace: 'platform',
      image: 'docker.io/a/b',
    },
    { name: 'image prefix', exemption: { images: ['docker.io/a'] }, namespace: 'team-a', image: 'docker.io/a/b' },
    {
      name: 'rule',
      exemption: { rules: ['tag-hygiene', 'trusted-registries'] },
      namespace: 'team-a',
      image: 'docker.io/a/b',
    },
  ];
  for (const c of cases) {
    const w = webhook(t, { exemptions: [{ ...c.exemption, reason }] });
    const r = await w.validate(podReview({ namespace: c.namespace, containers: [{ name: 'app', image: c.image }] }));
    t.equal(r.allowed, true, `${c.name}: admitted`);
    t.match(
      w.decision(),
      {
        exempted: [
          { rule: 'tag-hygiene', image: c.image, reason },
          { rule: 'trusted-registries', reason },
        ],
      },
      `${c.name}: the reason is logged`,
    );
    t.equal(w.calls.length, 1, `${c.name}: evaluated (only part of the rules or images are exempt)`);
    t.same((await w.violationsMetric()).sort(), [
      'imagegate_policy_violations_total{rule="tag-hygiene",mode="exempt"} 1',
      'imagegate_policy_violations_total{rule="trusted-registries",mode="exempt"} 1',
    ]);
  }
  const w = webhook(t, { exemptions: [{ images: ['docker.io/a'], reason }] });
  const other = await w.validate(podReview({ containers: [{ name: 'app', image: 'docker.io/ab/c' }] }));
  t.equal(other.allowed, false, 'docker.io/ab is not under docker.io/a');
});

t.test('labels that cannot be read: a stricter label mode applies, a label exemption does not', async (t) => {
  const w = webhook(t, {
    rules: { 'tag-hygiene': 'warn' },
    namespaces: [{ labels: { 'imagegate.io/enforce': 'true' }, rules: { 'tag-hygiene': 'enforce' } }],
  });
  t.equal((await w.validate(latest('strict'))).allowed, false, 'labelled: enforced');
  t.equal((await w.validate(latest('team-a'))).allowed, true, 'not labelled: warned');
  t.equal((await w.validate(latest('locked'))).allowed, false, 'unreadable: the stricter mode');
  const x = webhook(t, { exemptions: [{ namespaceLabels: { team: 'platform' }, reason: 'platform images' }] });
  t.equal((await x.validate(latest('platform'))).allowed, true, 'labelled: exempt');
  t.equal(x.calls.length, 0, 'a whole-namespace exemption: not evaluated');
  t.equal((await x.validate(latest('locked'))).allowed, false, 'unreadable: not exempt, evaluated and denied');
  t.equal(x.calls.length, 1);
});

t.test('kube-system, the own namespace and fully exempt namespaces are not evaluated', async (t) => {
  const w = webhook(t, { exemptions: [{ namespaces: ['sandbox-1'], reason: 'sandbox, ticket OPS-7' }] });
  const bad = (ns: string) => podReview({ namespace: ns, containers: [{ name: 'app', image: 'Not A Ref' }] });
  for (const [ns, reason] of [
    ['kube-system', /^kube-system is exempt from every rule/],
    ['imagegate', /^imagegate's own namespace "imagegate" is exempt/],
    ['sandbox-1', /^sandbox, ticket OPS-7$/],
  ] as const) {
    const r = await w.validate(bad(ns));
    t.equal(r.allowed, true, `${ns}: admitted, even an unparsable image`);
    t.match(w.decision(), { verdict: 'skip', namespace: ns, exemption: reason }, `${ns}: the reason is logged`);
  }
  t.equal(w.calls.length, 0, 'the decider was never asked');
  t.same(
    reads.filter((ns) => ns === 'kube-system' || ns === 'imagegate' || ns === 'sandbox-1'),
    [],
    'nor the labels read',
  );
  t.same(await w.violationsMetric(), [], 'nothing evaluated, nothing counted');
  const off = webhook(t, { exemptSystemNamespaces: false });
  t.equal((await off.validate(latest('kube-system'))).allowed, false, 'exemptSystemNamespaces false: evaluated');
});

t.test(
  "a long denial: the decision line's reason is status.message exactly, past the 1024-char field cap",
  async (t) => {
    const w = webhook(t, {});
    const containers = Array.from({ length: 40 }, (_, i) => ({ name: `c${i}`, image: `docker.io/acme/app${i}:1` }));
    const r = await w.validate(podReview({ containers }));
    const message = statusMessage(r);
    t.ok(message.length > 3_000 && message.length <= 4_096, `${message.length} characters`);
    t.match(message, /\n- and \d+ more violations \(imagegate's decision log lists them all\)$/);
    t.match(w.decision(), { reason: message, deniedCount: 40 });
  },
);

t.test('rule labels of the violations metric are bounded: a policy cannot make a series per review', async (t) => {
  const manyRules: Decider = {
    decide: ({ images }) =>
      Promise.resolve({
        kind: 'deny',
        warnings: [],
        violations: images.flatMap((i) =>
          Array.from({ length: 60 }, (_, n) => ({
            container: i.site.container,
            image: i.site.image,
            rule: `rule-${i.site.container}-${n}`,
            message: 'no',
            fix: '',
          })),
        ),
      }),
  };
  const w = webhook(t, { rules: { '*': 'audit' } }, manyRules);
  for (const name of ['a', 'b', 'c']) await w.validate(latestIn('team-a', name));
  const lines = await w.violationsMetric();
  t.equal(lines.length, 101, '180 rule names: 100 labels, the rest (other)');
  t.ok(lines.includes('imagegate_policy_violations_total{rule="(other)",mode="audit"} 80'));
});
