/** Config section `enforcement`: the contract's example loads; mistakes stop start-up naming the key and the fix. */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/internal.js';
import { repoRoot } from '../fixtures/shared.js';

const EXAMPLE = `
admission:
  namespaceLabels: { enabled: true }
enforcement:
  dryRun: false
  rules: { tag-hygiene: warn }
  namespaces:
    - names: [team-a]
      labels: { imagegate.io/enforce: "true" }
      rules: { tag-hygiene: enforce }
  exemptions:
    - namespaces: [legacy]
      namespaceLabels: { team: platform }
      images: [registry.example.com/legacy]
      rules: [tag-hygiene]
      reason: "legacy apps until 2027-03, ticket OPS-12"
  exemptSystemNamespaces: true
  ownNamespace: imagegate
`;

t.test('the documented example loads as written', async (t) => {
  const c = parseConfig({ text: EXAMPLE, source: 'example.yaml' });
  t.same(c.enforcement.rules, { 'tag-hygiene': 'warn' });
  t.equal(c.enforcement.exemptions[0]?.reason, 'legacy apps until 2027-03, ticket OPS-12');
  t.same(parseConfig({ text: '', source: 'empty' }).enforcement, {
    dryRun: false,
    rules: {},
    namespaces: [],
    exemptions: [],
    exemptSystemNamespaces: true,
    ownNamespace: 'imagegate',
  });
});

const problem = (text: string) => {
  try {
    parseConfig({ text, source: 'c.yaml' });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return 'loaded';
};

t.test('each mistake names its key and the fix', async (t) => {
  t.match(
    problem('enforcement: { rules: { tag-hygiene: block } }'),
    '/enforcement/rules/tag-hygiene: must be one of "enforce", "warn", "audit"',
  );
  t.match(
    problem('enforcement: { namespaces: [ { names: [a], rules: { "*": deny } } ] }'),
    '/enforcement/namespaces/0/rules/*: must be one of "enforce", "warn", "audit"',
  );
  t.match(
    problem('enforcement: { exemptions: [ { namespaces: [legacy] } ] }'),
    /\/enforcement\/exemptions\/0\/reason: required and not blank: say why .* e\.g\. reason: "legacy apps until 2027-03, ticket OPS-12"/,
  );
  t.match(
    problem('enforcement: { exemptions: [ { namespaces: [legacy], reason: "  " } ] }'),
    '/enforcement/exemptions/0/reason: required',
  );
  t.match(
    problem('enforcement: { namespaces: [ { labels: { a: b }, rules: { "*": warn } } ] }'),
    '/enforcement/namespaces/0/labels: selects by namespace labels, which are read only with /admission/namespaceLabels/enabled true; enable it',
  );
  t.match(
    problem('enforcement: { exemptions: [ { namespaceLabels: { a: b }, reason: x } ] }'),
    '/enforcement/exemptions/0/namespaceLabels: selects by namespace labels',
  );
  t.match(problem('enforcement: { exemptions: [ { reason: x } ] }'), '/enforcement/exemptions/0: selects nothing');
  t.match(
    problem('enforcement: { namespaces: [ { rules: { a: warn } } ] }'),
    '/enforcement/namespaces/0: selects no namespace',
  );
  t.match(
    problem('enforcement: { exemptions: [ { namespace: [a], reason: x } ] }'),
    '/enforcement/exemptions/0/namespace: unknown key "namespace"',
  );
  t.match(
    problem('enforcement: { exemptions: [ { images: ["https://x.io/a"], reason: x } ] }'),
    '/enforcement/exemptions/0/images/0',
  );
  t.match(problem('enforcement: { ownNamespace: Bad_NS }'), '/enforcement/ownNamespace');
});

t.test('the README "Roll out a rule safely" example is a valid config', async (t) => {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Roll out a rule safely'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (yaml === undefined) throw new Error('the section has no yaml block');
  const c = parseConfig({ text: yaml, source: 'README.md' });
  t.same(c.enforcement.rules, { 'tag-hygiene': 'warn' });
  t.equal(c.enforcement.namespaces.length, 2);
});
