/**
 * The denial message a developer reads (kubectl prints it after "denied the request: ") and the
 * warnings, through validateRequest from a real AdmissionReview body: the object line, one line
 * per violation with the container's path, the image and the digest judged, deterministic order,
 * the 4096-character cap, the undecided first line, and warnings within Kubernetes' limits.
 */
import t from 'tap';
import {
  validateRequest,
  type AdmissionOutcome,
  type Decider,
  type FactGatherer,
  type ImageFacts,
  type Violation,
} from '../../src/admission/index.js';
import { denialMessage } from '../../src/admission/internal.js';
import { kindCase, podReview, summaryOf } from '../fixtures/enforcement.js';
import { podCase, review } from '../fixtures/reviews.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

/** A decider that answers these violations, in this order, whatever it is asked. */
function scripted(violations: readonly Violation[], warnings: readonly string[] = []): Decider {
  return {
    decide: () =>
      Promise.resolve(violations.length > 0 ? { kind: 'deny', violations, warnings } : { kind: 'allow', warnings }),
  };
}

/** A facts stage that knows the digest of some images (by canonical name) and fails to resolve the rest. */
function digests(known: Readonly<Record<string, string>>): FactGatherer {
  return {
    revision: 'test',
    gather: ({ images }) =>
      Promise.resolve(
        images.map((ref): ImageFacts => {
          const digest = known[ref.original];
          return digest === undefined
            ? {
                facts: {},
                validUntil: Infinity,
                resolutionError: { code: 'IMAGEGATE_REGISTRY_TIMEOUT', message: 'no answer' },
              }
            : { digest, facts: {}, validUntil: Infinity };
        }),
      ),
  };
}

function messageOf(outcome: AdmissionOutcome): string {
  return outcome.kind === 'denied' || outcome.kind === 'undecided-denied' ? outcome.status.message : '';
}

async function decide(opts: { body: unknown; decider: Decider; gatherer?: FactGatherer }): Promise<AdmissionOutcome> {
  return validateRequest({
    summary: summaryOf(opts.body),
    signal: new AbortController().signal,
    deps: {
      decider: opts.decider,
      failurePolicy: 'Fail',
      ...(opts.gatherer === undefined ? {} : { gatherer: opts.gatherer }),
    },
  });
}

const initV: Violation = {
  container: 'init',
  image: 'nginx',
  rule: 'trusted-registries',
  message: 'docker.io/library/nginx is not in a trusted registry',
  fix: 'use an image under one of: registry.example.com',
};
const appV: Violation = {
  container: 'app',
  image: 'registry.example.com/team/app:1.2',
  rule: 'health-grade',
  message: 'registry.example.com/team/app has no health grade (minimum B): no digest',
  fix: '',
};
const webTag: Violation = {
  container: 'web',
  image: 'docker.io/library/nginx:latest',
  rule: 'tag-hygiene',
  message: 'docker.io/library/nginx:latest uses the latest tag',
  fix: 'use a version tag such as nginx:1.27',
};
const webTrust: Violation = { ...webTag, rule: 'trusted-registries', message: initV.message, fix: initV.fix };

const deployment = () => {
  const kc = kindCase('Deployment');
  return review(kc, {
    object: kc.wrap({
      initContainers: [{ name: 'init', image: 'nginx' }],
      containers: [
        { name: 'app', image: 'registry.example.com/team/app:1.2' },
        { name: 'web', image: 'docker.io/library/nginx:latest' },
      ],
    }),
  });
};

const deploymentMessage = [
  'imagegate denied Deployment "team-a/web" (4 violations):',
  `- spec.template.spec.initContainers[0] (container "init"): image "nginx" judged docker.io/library/nginx@${A}: trusted-registries: docker.io/library/nginx is not in a trusted registry; fix: use an image under one of: registry.example.com`,
  '- spec.template.spec.containers[0] (container "app"): image "registry.example.com/team/app:1.2" (digest unresolved): health-grade: registry.example.com/team/app has no health grade (minimum B): no digest',
  `- spec.template.spec.containers[1] (container "web"): image "docker.io/library/nginx:latest" judged docker.io/library/nginx@${B}: tag-hygiene: docker.io/library/nginx:latest uses the latest tag; fix: use a version tag such as nginx:1.27`,
  `- spec.template.spec.containers[1] (container "web"): image "docker.io/library/nginx:latest" judged docker.io/library/nginx@${B}: trusted-registries: docker.io/library/nginx is not in a trusted registry; fix: use an image under one of: registry.example.com`,
].join('\n');

t.test('a Deployment: one line per violation, at the container path, with the digest judged', async (t) => {
  const gatherer = digests({ nginx: A, 'docker.io/library/nginx:latest': B });
  const out = await decide({ body: deployment(), decider: scripted([webTrust, appV, webTag, initV]), gatherer });
  t.equal(out.kind, 'denied');
  t.equal(messageOf(out), deploymentMessage);
  const again = await decide({ body: deployment(), decider: scripted([initV, webTag, webTrust, appV]), gatherer });
  t.equal(messageOf(again), deploymentMessage, 'the same text whatever order the policy answered in');
});

t.test('a CronJob without a facts stage: its nested path, and no digest', async (t) => {
  const kc = kindCase('CronJob');
  const body = review(kc, { object: kc.wrap({ containers: [{ name: 'report', image: 'docker.io/acme/report' }] }) });
  const v: Violation = { ...initV, container: 'report', image: 'docker.io/acme/report', message: 'untrusted' };
  t.equal(
    messageOf(await decide({ body, decider: scripted([v]) })),
    'imagegate denied CronJob "team-a/web" (1 violation):\n' +
      '- spec.jobTemplate.spec.template.spec.containers[0] (container "report"): image "docker.io/acme/report": trusted-registries: untrusted; fix: use an image under one of: registry.example.com',
  );
});

t.test(
  'a violation is placed by its pointer first, else by container and image; else it is about the object',
  async (t) => {
    const body = podReview({
      containers: [
        { name: 'same', image: 'registry.example.com/a:1' },
        { name: 'same', image: 'registry.example.com/a:1' },
      ],
    });
    const second: Violation = {
      ...appV,
      container: 'same',
      image: 'registry.example.com/a:1',
      pointer: '/spec/containers/1/image',
    };
    const firstWithout: Violation = { ...appV, container: 'same', image: 'registry.example.com/a:1', rule: 'zz-rule' };
    const object: Violation = {
      container: '',
      image: '',
      rule: 'custom',
      message: 'the pod has no owner',
      fix: 'set owner',
    };
    const msg = messageOf(await decide({ body, decider: scripted([object, second, firstWithout]) }));
    t.equal(
      msg,
      [
        'imagegate denied Pod "team-a/web" (3 violations):',
        '- spec.containers[0] (container "same"): image "registry.example.com/a:1": zz-rule: registry.example.com/team/app has no health grade (minimum B): no digest',
        '- spec.containers[1] (container "same"): image "registry.example.com/a:1": health-grade: registry.example.com/team/app has no health grade (minimum B): no digest',
        '- (object): custom: the pod has no owner; fix: set owner',
      ].join('\n'),
      'site order first, the unmatched violation last',
    );
  },
);

t.test('40 violations: the message stays within 4096 characters and says how many were left out', async (t) => {
  const containers = Array.from({ length: 40 }, (_, i) => ({ name: `c${i}`, image: `docker.io/acme/app${i}:1` }));
  const violations = containers.map((c): Violation => ({
    container: c.name,
    image: c.image,
    rule: 'trusted-registries',
    message: `docker.io/acme/app is not in a trusted registry; ${'x'.repeat(60)}`,
    fix: 'use an image under one of: registry.example.com',
  }));
  const msg = messageOf(await decide({ body: podReview({ containers }), decider: scripted(violations) }));
  const lines = msg.split('\n');
  t.ok(msg.length <= 4096, `${msg.length} characters`);
  t.equal(lines[0], 'imagegate denied Pod "team-a/web" (40 violations):');
  const shown = lines.filter((l) => l.startsWith('- spec.containers['));
  t.ok(shown.length > 10 && shown.length < 40, `${shown.length} lines shown`);
  t.equal(lines.at(-1), `- and ${40 - shown.length} more violations (imagegate's decision log lists them all)`);
  t.match(shown[0], /^- spec\.containers\[0\] \(container "c0"\)/);
  t.match(shown.at(-1), new RegExp(`^- spec\\.containers\\[${shown.length - 1}\\] `), 'the first ones, in order');
  t.ok(
    msg.length + (lines[1]?.length ?? 0) > 4096 - 60,
    'no room was left for another line (the cap is filled, not cut early)',
  );
});

t.test('a policy message with a line break cannot forge a line of its own', async (t) => {
  const v: Violation = {
    ...appV,
    container: 'c0',
    image: 'registry.example.com/a:1',
    message: 'bad\n- spec.containers[9] forged',
  };
  const msg = messageOf(
    await decide({
      body: podReview({ containers: [{ name: 'c0', image: 'registry.example.com/a:1' }] }),
      decider: scripted([v]),
    }),
  );
  t.equal(msg.split('\n').length, 2, 'the object line and one violation line');
  t.match(msg, 'health-grade: bad - spec.containers[9] forged');
});

t.test('the object line: generateName, cluster-scoped, long names clipped', async (t) => {
  const body = review(podCase, { object: podCase.wrap({ containers: [{ name: 'c', image: 'docker.io/x:1' }] }) });
  const { request } = body;
  if (typeof request !== 'object' || request === null) throw new Error('bad fixture');
  const unnamed = { ...body, request: { ...request, name: '' } };
  const v: Violation = { ...initV, container: 'c', image: 'docker.io/x:1' };
  t.match(
    messageOf(await decide({ body: unnamed, decider: scripted([v]) })),
    /^imagegate denied Pod in namespace "team-a" \(1 violation\):\n/,
  );
  const placed = [{ violation: { ...v, container: '', image: '' }, judged: { kind: 'none' } as const }];
  t.equal(
    denialMessage({ object: { kind: 'ClusterImagePolicy', namespace: '', name: 'global' }, violations: placed }),
    'imagegate denied ClusterImagePolicy "global" (1 violation):\n- (object): trusted-registries: docker.io/library/nginx is not in a trusted registry; fix: use an image under one of: registry.example.com',
  );
});

t.test('undecided: the first line says why, then the violations that deny whatever the policy says', async (t) => {
  const failing: Decider = { decide: () => Promise.reject(new Error('boom')) };
  const body = podReview({
    containers: [
      { name: 'ok', image: 'registry.example.com/a:1' },
      { name: 'bad', image: 'Registry.example.com/App:1' },
    ],
  });
  const out = await decide({ body, decider: failing });
  t.equal(out.kind, 'undecided-denied');
  const lines = messageOf(out).split('\n');
  t.equal(
    lines[0],
    'imagegate could not decide Pod "team-a/web" (IMAGEGATE_POLICY_EVALUATION_FAILED): policy evaluation failed: boom',
  );
  t.match(
    lines[1],
    /^- spec\.containers\[1\] \(container "bad"\): image "Registry\.example\.com\/App:1": image-reference: .+; fix: write a valid image reference/,
  );
  t.equal(lines.length, 2);
});

t.test('warnings: a warn-mode violation reads rule, container, message; at most 8 of 120 characters', async (t) => {
  const containers = Array.from({ length: 10 }, (_, i) => ({
    name: `c${i}`,
    image: `docker.io/acme/app${i}:latest`,
  }));
  const violations = containers.map((c): Violation => ({
    container: c.name,
    image: c.image,
    rule: 'tag-hygiene',
    message: `${c.image} uses the latest tag`,
    fix: 'x',
  }));
  const out = await validateRequest({
    summary: summaryOf(podReview({ containers })),
    signal: new AbortController().signal,
    deps: {
      decider: scripted(violations, ['from the policy']),
      failurePolicy: 'Fail',
      enforcement: {
        dryRun: false,
        rules: { 'tag-hygiene': 'warn' },
        namespaces: [],
        exemptions: [],
        exemptSystemNamespaces: true,
        ownNamespace: 'imagegate',
      },
    },
  });
  t.equal(out.kind, 'allowed');
  t.equal(out.warnings[0], 'tag-hygiene: container "c0": docker.io/acme/app0:latest uses the latest tag');
  t.equal(out.warnings.length, 11, 'every warning is kept in the outcome (the decision log lists them)');
  t.equal(out.warnings.at(-1), 'from the policy');
  const { toReviewResponse } = await import('../../src/admission/index.js');
  const { response } = toReviewResponse({
    request: summaryOf(podReview({ containers })).request,
    outcome: out,
    mutating: false,
  });
  t.equal(response.warnings?.length, 8);
  t.equal(response.warnings?.[7], "and 4 more warnings (see imagegate's decision log)");
  const long = 'tag-hygiene: spec.containers[0] "c0": ' + 'y'.repeat(200);
  const clipped = toReviewResponse({
    request: summaryOf(podReview({ containers })).request,
    outcome: { kind: 'allowed', warnings: [long], images: [] },
    mutating: false,
  }).response.warnings?.[0];
  t.equal(clipped?.length, 120);
  t.ok(clipped?.endsWith('…'));
});
