/**
 * `imagegate check` and `imagegate policy input` as a CI job uses them, offline, with the shipped
 * policies: exit codes, stdin (helm template output), the text and -o json reports, input errors
 * naming the file, line and document, the progress bar (only on a terminal, only for long runs),
 * and the policy input printed for Rego tests.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/index.js';
import { check, report } from './check-fixture.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const dir = await mkdtemp(join(tmpdir(), 'imagegate-check-cli-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const config = join(dir, 'imagegate.yaml');
await writeFile(
  config,
  [
    'policy:',
    '  evaluators: 1',
    '  data: {imagegate: {config: {trusted_registries: [docker.io, ghcr.io/acme]}}}',
    '',
  ].join('\n'),
);

const pod = (name: string, image: string, ns?: string) =>
  [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    ...(ns === undefined ? [] : [`  namespace: ${ns}`]),
    'spec:',
    '  containers:',
    `    - name: app`,
    `      image: ${image}`,
  ].join('\n');

const helmOutput = [
  '---',
  '# Source: web/templates/configmap.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: web}',
  'data: {a: b}',
  '---',
  '# Source: web/templates/unused.yaml',
  '---',
  '# Source: web/templates/deployment.yaml',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web, namespace: team-a}',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - {name: web, image: "docker.io/library/nginx:1.27"}',
  '        - {name: agent, image: "ghcr.io/acme/agent:2.0"}',
  '',
].join('\n');

t.test('helm template output on stdin, all allowed: exit 0, one line per reviewed object', async (t) => {
  const r = await check(['-f', '-', '--config', config, '--offline'], { stdin: helmOutput });
  t.equal(r.code, 0, r.err);
  t.equal(
    r.out,
    [
      '(stdin):3 Deployment team-a/web: allowed',
      'checked 1 object: 1 allowed, 0 denied (1 of other kinds not reviewed)',
    ].join('\n'),
  );
});

t.test('a denied object: exit 1, its line, then the denial message as /validate writes it', async (t) => {
  const file = join(dir, 'denied.yaml');
  await writeFile(file, `${pod('ok', 'nginx:1.27', 'team-a')}\n---\n${pod('bad', 'quay.io/evil/miner:1', 'team-a')}\n`);
  const r = await check(['-f', file, '--config', config, '--offline']);
  t.equal(r.code, 1, r.err);
  const lines = r.out.split('\n');
  t.equal(lines[0], `${file}:1 Pod team-a/ok: allowed`);
  t.equal(lines[1], `${file}:2 Pod team-a/bad: denied`);
  t.same(lines.slice(2, -1), [
    'imagegate denied Pod "team-a/bad" (1 violation):',
    '- spec.containers[0] (container "app"): image "quay.io/evil/miner:1" (digest unresolved): trusted-registries: quay.io/evil/miner is not in the trusted registries (registries.hosts); fix: use an image under one of: docker.io, ghcr.io/acme',
  ]);
  t.equal(lines.at(-1), 'checked 2 objects: 1 allowed, 1 denied (0 of other kinds not reviewed)');
});

t.test('-o json: every object, other kinds as skipped, verdicts, messages, images and counts', async (t) => {
  const file = join(dir, 'mixed.yaml');
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { generateName: 'w-' },
        spec: { template: { spec: { containers: [{ name: 'c', image: 'UPPER:1' }] } } },
      },
    ],
  };
  await writeFile(file, `${JSON.stringify(list)}\n---\n${pod('p', 'nginx:1.27')}\n`);
  const r = await check(['-f', file, '--config', config, '--offline', '-o', 'json', '-n', 'team-b']);
  t.equal(r.code, 1, r.err);
  const doc: unknown = JSON.parse(r.out);
  t.match(doc, { allowed: 1, denied: 1, skipped: 1 });
  const objects = report(r);
  t.match(objects, [
    { file, document: '1.items[0]', kind: 'Service', name: 's', verdict: 'skipped', images: [] },
    {
      file,
      document: '1.items[1]',
      kind: 'Deployment',
      namespace: 'team-b',
      name: '',
      verdict: 'denied',
      code: 403,
      message: /image-reference/,
      images: ['UPPER:1'],
    },
    { file, document: '2', kind: 'Pod', namespace: 'team-b', name: 'p', verdict: 'allowed', images: ['nginx:1.27'] },
  ]);
  t.notOk('message' in (objects[2] ?? {}), 'no message when allowed');
});

t.test('input errors exit 2 naming the file, the line and the document, and the fix', async (t) => {
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, `${pod('a', 'nginx:1.27')}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n`);
  const yamlError = await check(['-f', bad, '--offline']);
  t.equal(yamlError.code, 2);
  t.match(
    yamlError.err,
    new RegExp(
      `^imagegate: IMAGEGATE_CHECK_INPUT_INVALID: ${bad}:\\d+:\\d+: document 2 is not valid YAML: .+; fix the manifest`,
    ),
  );
  t.equal(yamlError.out, '', 'nothing is checked when any input is bad');

  const noKind = join(dir, 'nokind.yaml');
  await writeFile(noKind, 'metadata: {name: x}\n');
  const r2 = await check(['-f', noKind, '--offline']);
  t.same(
    [r2.code, r2.err],
    [
      2,
      `imagegate: IMAGEGATE_CHECK_INPUT_INVALID: ${noKind}:1: expected a Kubernetes object with string apiVersion and kind, found apiVersion null and kind null; add them`,
    ],
  );

  const missing = await check(['-f', join(dir, 'nope.yaml'), '--offline']);
  t.equal(missing.code, 2);
  t.match(
    missing.err,
    /IMAGEGATE_CHECK_INPUT_UNREADABLE: cannot read ".*nope\.yaml": ENOENT.*; pass a manifest file, a directory/,
  );

  const facts = join(dir, 'facts.json');
  await writeFile(
    facts,
    JSON.stringify({
      imagegateFacts: 1,
      revision: 'r',
      pins: {},
      images: { 'docker.io/library/nginx:1.27': { facts: {} } },
    }),
  );
  const badFacts = await check(['-f', join(dir, 'denied.yaml'), '--facts', facts]);
  t.equal(badFacts.code, 2);
  t.match(
    badFacts.err,
    /IMAGEGATE_CHECK_FACTS_INVALID: --facts .*facts\.json images\["docker\.io\/library\/nginx:1\.27"\] has neither a digest nor a resolutionError; expected a file written by `imagegate check --record FILE`/,
  );

  for (const args of [
    [],
    ['-f', bad, '-o', 'xml'],
    ['-f', bad, '--bogus'],
    ['-f', bad, '--offline', '--record', facts],
    [bad],
  ]) {
    const r = await check(args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.err, /^imagegate: IMAGEGATE_CLI_USAGE: check: .+; run `imagegate check --help`$/, args.join(' '));
  }
  t.match((await check(['--help'])).out, /^Usage: imagegate check -f FILE\|DIR\|-/);
});

t.test('the progress bar: drawn on a terminal for more than 20 objects, never otherwise', async (t) => {
  const many = join(dir, 'many.yaml');
  await writeFile(many, Array.from({ length: 21 }, (_, i) => pod(`p${i}`, 'nginx:1.27')).join('\n---\n'));
  const frames: string[] = [];
  const r = await check(['-f', many, '--config', config, '--offline'], { progress: (f) => frames.push(f) });
  t.equal(r.code, 0, r.err);
  t.equal(frames.length, 22, 'one frame per object, then the bar is cleared');
  t.match(frames[20], /^\r\[#{30}\] 21\/21 objects$/);
  t.equal(frames[21], '\r\x1b[K');
  t.equal(r.out.split('\n').length, 22, 'stdout holds the report only');

  const few = join(dir, 'few.yaml');
  await writeFile(few, Array.from({ length: 20 }, (_, i) => pod(`p${i}`, 'nginx:1.27')).join('\n---\n'));
  const none: string[] = [];
  await check(['-f', few, '--config', config, '--offline'], { progress: (f) => none.push(f) });
  t.same(none, [], '20 objects: no bar');

  // The built CLI with stderr not a terminal (a CI log): no bar, no carriage returns.
  const main = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  const child = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
    execFile(process.execPath, [main, 'check', '-f', many, '--config', config, '--offline'], (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
    );
  });
  t.equal(child.code, 0, child.stderr);
  t.equal(child.stderr, '');
  t.equal(child.stdout.split('\n').filter((l) => l.endsWith(': allowed')).length, 21);
});

t.test('policy input prints the input /validate gives the policy: one document, or an array', async (t) => {
  const file = join(dir, 'input.yaml');
  await writeFile(file, `${pod('web', `nginx:1.27@sha256:${'a'.repeat(64)}`, 'team-a')}\n`);
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) };
  t.equal(await runCli(['policy', 'input', '-f', file, '--config', config, '--offline'], io), 0, err.join('\n'));
  const input: unknown = JSON.parse(out.join('\n'));
  t.same(input, {
    request: {
      uid: 'imagegate-check-1',
      operation: 'CREATE',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      namespace: 'team-a',
      name: 'web',
      subResource: '',
      dryRun: false,
      userInfo: { username: 'imagegate-check' },
    },
    images: [
      {
        container: 'app',
        field: 'containers',
        pointer: '/spec/containers/0/image',
        image: `nginx:1.27@sha256:${'a'.repeat(64)}`,
        reference: {
          registry: 'docker.io',
          path: 'library/nginx',
          repository: 'docker.io/library/nginx',
          tag: '1.27',
          digest: `sha256:${'a'.repeat(64)}`,
          canonical: `docker.io/library/nginx:1.27@sha256:${'a'.repeat(64)}`,
        },
        digest: `sha256:${'a'.repeat(64)}`,
        facts: {},
      },
    ],
  });

  const two = join(dir, 'two.yaml');
  await writeFile(two, `${pod('a', 'nginx:1.27')}\n---\n${pod('b', 'BAD IMAGE')}\n---\n${pod('c', 'redis:7')}\n`);
  out.length = 0;
  err.length = 0;
  t.equal(await runCli(['policy', 'input', '-f', two, '--offline'], io), 0);
  const inputs: unknown = JSON.parse(out.join('\n'));
  t.ok(Array.isArray(inputs) && inputs.length === 2, 'an array of the two inputs the policy saw');
  t.match(inputs, [
    { request: { name: 'a', namespace: 'default' }, images: [{ digestError: { code: 'IMAGEGATE_CHECK_OFFLINE' } }] },
    { request: { name: 'c' }, images: [{ reference: { repository: 'docker.io/library/redis' } }] },
  ]);
  t.same(err, [`${two}:2 Pod default/b: the policy is not run for it (no image to judge)`]);

  // The printed input is what a Rego author evaluates the shipped policies with.
  const inputFile = join(dir, 'input.json');
  await writeFile(inputFile, JSON.stringify(input));
  out.length = 0;
  const policies = join(repoRoot, 'policies');
  t.equal(
    await runCli(['policy', 'eval', '-d', policies, '-i', inputFile, '-f', 'raw', 'data.imagegate.decision'], io),
    0,
  );
  t.match(JSON.parse(out.join('\n')), {
    violations: [
      {
        container: 'app',
        rule: 'trusted-registries',
        message: 'docker.io/library/nginx is not in the trusted registries (registries.hosts)',
      },
    ],
  });
});
