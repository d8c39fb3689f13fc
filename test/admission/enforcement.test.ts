/**
 * Modes, exemptions and dry-run as a pure function of (violations, namespace, labels, config):
 * first namespace entry wins per rule, "*" defaults, each exemption selector, image prefixes at
 * whole segments, and labels that could not be read failing closed both ways.
 */
import t from 'tap';
import { defaultConfig, type EnforcementConfig } from '../../src/config/index.js';
import type { NamespaceLabels } from '../../src/admission/index.js';
import {
  modeOf,
  namespaceExemption,
  splitViolations,
  type NamespaceView,
  type PlacedViolation,
} from '../../src/admission/internal.js';

/** The defaults: system namespaces exempt, every rule enforced. */
const base: EnforcementConfig = defaultConfig.enforcement;
const labels = (l: Record<string, string>): NamespaceLabels => ({ kind: 'labels', labels: l });
const unreadable: NamespaceLabels = {
  kind: 'error',
  error: { code: 'IMAGEGATE_KUBE_FORBIDDEN', message: 'reading namespace team-a: HTTP 403' },
};
const view = (namespace: string, l?: NamespaceLabels): NamespaceView => ({ namespace, labels: l });

function placed(rule: string, repository?: string): PlacedViolation {
  const image = repository === undefined ? 'Bad:Ref' : `${repository}:1`;
  const site = { container: 'app', field: 'containers' as const, pointer: '/spec/containers/0/image', image };
  return {
    violation: { container: 'app', image, rule, message: `${rule} says no`, fix: '' },
    site,
    path: 'spec.containers[0]',
    ...(repository === undefined ? {} : { repository }),
    judged: { kind: 'none' },
  };
}

t.test('modes: the rule, else "*", else enforce; the first namespace entry naming the rule wins', async (t) => {
  const config: EnforcementConfig = {
    ...base,
    rules: { 'tag-hygiene': 'warn', '*': 'audit' },
    namespaces: [
      { names: ['team-a'], rules: { mirrors: 'enforce' } },
      { names: ['team-a', 'team-b'], rules: { 'tag-hygiene': 'enforce', '*': 'warn' } },
      { names: ['team-a'], rules: { 'tag-hygiene': 'audit' } },
    ],
  };
  const mode = (rule: string, ns: string) => modeOf({ rule, view: view(ns), config });
  t.equal(mode('tag-hygiene', 'other'), 'warn', 'the global rule');
  t.equal(mode('signatures', 'other'), 'audit', 'the global "*"');
  t.equal(modeOf({ rule: 'signatures', view: view('other'), config: base }), 'enforce', 'nothing said: enforce');
  t.equal(
    mode('tag-hygiene', 'team-a'),
    'enforce',
    'the first entry naming tag-hygiene for team-a, not the later audit',
  );
  t.equal(mode('mirrors', 'team-a'), 'enforce');
  t.equal(mode('signatures', 'team-b'), 'warn', 'the entry\'s own "*"');
});

t.test('a label-based mode entry: by the labels; unreadable, only if stricter (fail closed)', async (t) => {
  const stricter: EnforcementConfig = {
    ...base,
    rules: { 'tag-hygiene': 'warn' },
    namespaces: [{ labels: { 'imagegate.io/enforce': 'true' }, rules: { 'tag-hygiene': 'enforce' } }],
  };
  const looser: EnforcementConfig = {
    ...base,
    namespaces: [{ labels: { legacy: 'true' }, rules: { 'tag-hygiene': 'audit' } }],
  };
  const mode = (config: EnforcementConfig, l: NamespaceLabels | undefined) =>
    modeOf({ rule: 'tag-hygiene', view: view('team-a', l), config });
  t.equal(mode(stricter, labels({ 'imagegate.io/enforce': 'true' })), 'enforce');
  t.equal(mode(stricter, labels({})), 'warn');
  t.equal(mode(stricter, unreadable), 'enforce', 'unreadable labels cannot weaken enforce to warn');
  t.equal(mode(stricter, undefined), 'enforce', 'labels not read count as unreadable');
  t.equal(mode(looser, labels({ legacy: 'true' })), 'audit');
  t.equal(mode(looser, unreadable), 'enforce', 'unreadable labels cannot turn enforce into audit');
});

t.test('each exemption selector, with its reason; every given selector must match', async (t) => {
  const split = (x: EnforcementConfig['exemptions'][number], v: PlacedViolation, ns: NamespaceView) =>
    splitViolations({ violations: [v], view: ns, config: { ...base, exemptions: [x] } });
  const reason = 'legacy apps until 2027-03, ticket OPS-12';
  const v = placed('tag-hygiene', 'registry.example.com/legacy/app');
  const exempted = [{ placed: v, reason }];
  t.same(split({ namespaces: ['legacy'], images: ['*'], reason }, v, view('legacy')).exempted, exempted, 'namespace');
  t.same(split({ namespaces: ['legacy'], images: ['*'], reason }, v, view('team-a')).denied, [v], 'other namespace');
  const byLabel = { namespaceLabels: { team: 'platform' }, rules: ['tag-hygiene'], reason };
  t.same(split(byLabel, v, view('x', labels({ team: 'platform' }))).exempted, exempted, 'namespace labels');
  t.same(split(byLabel, v, view('x', labels({ team: 'web' }))).denied, [v], 'other labels');
  t.same(split(byLabel, v, view('x', unreadable)).denied, [v], 'unreadable labels never exempt');
  const byImage = { images: ['registry.example.com/legacy'], reason };
  t.same(split(byImage, v, view('team-a')).exempted, exempted, 'image prefix');
  const sibling = placed('tag-hygiene', 'registry.example.com/legacy2/app');
  t.same(split(byImage, sibling, view('team-a')).denied, [sibling], 'prefixes match whole segments only');
  const unparsed = placed('image-reference');
  t.same(split(byImage, unparsed, view('team-a')).denied, [unparsed], 'an image that did not parse matches no prefix');
  t.same(
    split({ images: ['Registry.Example.com/legacy'], reason }, v, view('team-a')).exempted,
    exempted,
    'the host compares case-insensitively',
  );
  const byRule = { rules: ['signatures'], reason };
  t.same(split(byRule, v, view('team-a')).denied, [v], 'another rule');
  t.same(split(byRule, placed('signatures', 'a.io/b'), view('team-a')).exempted.length, 1, 'the rule');
  const both = { namespaces: ['legacy'], rules: ['signatures'], reason };
  t.same(split(both, placed('signatures', 'a.io/b'), view('team-a')).exempted, [], 'namespace must match too');
});

t.test('dry-run: enforce becomes wouldDeny; warn and audit stay', async (t) => {
  const config: EnforcementConfig = { ...base, dryRun: true, rules: { 'tag-hygiene': 'warn', mirrors: 'audit' } };
  const [a, b, c] = [
    placed('trusted-registries', 'a.io/x'),
    placed('tag-hygiene', 'a.io/x'),
    placed('mirrors', 'a.io/x'),
  ];
  t.same(splitViolations({ violations: [a, b, c], view: view('team-a'), config }), {
    denied: [],
    warned: [b],
    audited: [c],
    wouldDeny: [a],
    exempted: [],
  });
});

t.test(
  'namespaces exempt from everything: system ones by default, and exemptions selecting only namespaces',
  async (t) => {
    t.match(namespaceExemption({ view: view('kube-system'), config: base }), /^kube-system is exempt/);
    t.match(namespaceExemption({ view: view('imagegate'), config: base }), /^imagegate's own namespace "imagegate"/);
    t.equal(
      namespaceExemption({ view: view('kube-system'), config: { ...base, exemptSystemNamespaces: false } }),
      undefined,
    );
    t.match(namespaceExemption({ view: view('ig'), config: { ...base, ownNamespace: 'ig' } }), /"ig"/);
    const config: EnforcementConfig = {
      ...base,
      exemptions: [
        { namespaces: ['legacy'], rules: ['tag-hygiene'], reason: 'only one rule' },
        { namespaceLabels: { sandbox: 'true' }, reason: 'sandboxes are not production' },
      ],
    };
    t.equal(
      namespaceExemption({ view: view('legacy', labels({})), config }),
      undefined,
      'a rule exemption is not whole',
    );
    t.equal(
      namespaceExemption({ view: view('play', labels({ sandbox: 'true' })), config }),
      'sandboxes are not production',
    );
    t.equal(namespaceExemption({ view: view('play', unreadable), config }), undefined, 'unreadable labels: evaluated');
  },
);
