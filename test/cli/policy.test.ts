import t from 'tap';
import { mkdtemp, rm, writeFile, readFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { runCli } from '../../src/cli/index.js';
import { hostBuiltins } from '../../src/rego/index.js';
import { readBundle } from '../../src/policy/index.js';
import { repoRoot } from '../fixtures/shared.js';

const policies = join(repoRoot, 'policies');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) } };
}

async function tempDir(t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-policy-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const input = {
  images: [
    {
      container: 'app',
      image: 'registry.example.com/team/app:1',
      reference: { repository: 'registry.example.com/team/app', tag: '1' },
    },
    {
      container: 'sidecar',
      image: 'nginx:1.27',
      pointer: '/spec/containers/1/image',
      reference: { repository: 'docker.io/library/nginx', tag: '1.27' },
    },
  ],
};

t.test('policy build writes an OPA bundle the plain SDK evaluates with only the host built-ins', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'data.json'),
    JSON.stringify({ imagegate: { config: { trusted_registries: ['registry.example.com/team'] } } }),
  );
  const out = join(dir, 'bundle.tar.gz');
  const r = io();
  t.equal(
    await runCli(
      ['policy', 'build', '-o', out, '--revision', 'r7', join(policies, 'imagegate'), join(dir, 'data.json')],
      r.io,
    ),
    0,
    r.err.join('\n'),
  );
  t.match(r.out.join('\n'), /wrote .*bundle\.tar\.gz: .*entrypoints imagegate\/decision/);
  const bundle = await readBundle({ bytes: await readFile(out), source: out });
  t.match(bundle.manifest, {
    revision: 'r7',
    wasm: [{ entrypoint: 'imagegate/decision', module: '/policy.wasm' }],
    rego_version: 1,
  });

  const policy = await loadPolicy(bundle.wasm, undefined, hostBuiltins());
  policy.setData(bundle.data);
  const rs: unknown = policy.evaluate(input, 'imagegate/decision');
  t.same(
    rs,
    [
      {
        result: {
          violations: [
            {
              container: 'sidecar',
              image: 'nginx:1.27',
              pointer: '/spec/containers/1/image',
              rule: 'trusted-registries',
              message: 'docker.io/library/nginx is not in the trusted registries (registries.hosts)',
              fix: 'use an image under one of: registry.example.com/team',
            },
          ],
          warnings: [],
        },
      },
    ],
    'the answer OPA gives for this policy and input',
  );
});

t.test('policy test runs test_* rules like opa test', async (t) => {
  const ok = io();
  t.equal(await runCli(['policy', 'test', '-v', policies], ok.io), 0, ok.err.join('\n'));
  const text = ok.out.join('\n');
  t.match(text, /data\.imagegate\.registries_test\.test_segment_boundaries_and_lookalike_hosts_are_denied: PASS/);
  t.match(text, /data\.imagegate\.health_test\.test_grade_d_is_denied_naming_grade_minimum_finding_and_fix: PASS/);
  t.match(text, /^PASS: (\d+)\/\1$/m, 'every shipped policy test passes');

  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'x_test.rego'),
    'package x_test\n\ntest_ok if 1 == 1\n\ntest_wrong if 1 == 2\n\ntest_conflict if {\n\tf(1)\n}\n\nf(x) := 1\n\nf(x) := 2\n',
  );
  const bad = io();
  t.equal(await runCli(['policy', 'test', '-v', dir], bad.io), 1, 'a failing test fails the command');
  const out = bad.out.join('\n');
  t.match(out, /data\.x_test\.test_ok: PASS/);
  t.match(out, /data\.x_test\.test_wrong: FAIL/);
  t.match(out, /data\.x_test\.test_conflict: ERROR/);
  t.match(out, /PASS: 1\/3[\s\S]*FAIL: 1\/3[\s\S]*ERROR: 1\/3/);

  const filtered = io();
  t.equal(await runCli(['policy', 'test', '-r', 'test_ok$', dir], filtered.io), 0, '--run keeps matching tests only');
});

t.test('policy eval prints opa eval -f json output, and errors in its shape', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'input.json'), JSON.stringify(input));
  const r = io();
  t.equal(
    await runCli(
      [
        'policy',
        'eval',
        '-d',
        policies,
        '-i',
        join(dir, 'input.json'),
        'data.imagegate.registries.prefixes; n := count(input.images)',
      ],
      r.io,
    ),
    0,
    r.err.join('\n'),
  );
  t.same(JSON.parse(r.out.join('\n')), {
    result: [
      {
        expressions: [
          { value: [], text: 'data.imagegate.registries.prefixes', location: { row: 1, col: 1 } },
          { value: true, text: 'n := count(input.images)', location: { row: 1, col: 37 } },
        ],
        bindings: { n: 2 },
      },
    ],
  });
  const undef = io();
  t.equal(await runCli(['policy', 'eval', '-d', policies, 'data.imagegate.nothing_here'], undef.io), 0);
  t.same(JSON.parse(undef.out.join('\n')), {}, 'undefined prints {}');

  const unsafe = io();
  t.equal(await runCli(['policy', 'eval', 'x > 1'], unsafe.io), 2, 'errors exit 2 as opa eval');
  t.match(JSON.parse(unsafe.out.join('\n')), {
    errors: [{ code: 'rego_unsafe_var_error', message: /var x is unsafe/, location: { row: 1, col: 1 } }],
  });

  await mkdir(join(dir, 'broken'));
  await writeFile(join(dir, 'broken', 'p.rego'), 'package p\n\nallow if {\n\tinput.x ==\n}\n');
  const parse = io();
  t.equal(await runCli(['policy', 'eval', '-d', join(dir, 'broken'), 'data.p.allow'], parse.io), 2);
  t.match(JSON.parse(parse.out.join('\n')), {
    errors: [{ code: 'rego_parse_error', location: { file: /p\.rego$/, row: 5 } }],
  });
});

t.test('Gatekeeper-style v0 policies build with --v0-compatible', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'k8s.rego'),
    [
      'package k8sallowedrepos',
      '',
      'violation[{"msg": msg}] {',
      '  container := input.review.object.spec.containers[_]',
      '  not startswith(container.image, "registry.example.com/")',
      '  msg := sprintf("container <%v> has an invalid image repo <%v>", [container.name, container.image])',
      '}',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'b.tar.gz');
  const v1 = io();
  t.equal(
    await runCli(['policy', 'build', '-e', 'k8sallowedrepos/violation', '-o', out, join(dir, 'k8s.rego')], v1.io),
    1,
    'v1 syntax rejects it',
  );
  t.match(v1.err.join('\n'), /rego_parse_error/);
  const v0 = io();
  t.equal(
    await runCli(
      ['policy', 'build', '--v0-compatible', '-e', 'k8sallowedrepos/violation', '-o', out, join(dir, 'k8s.rego')],
      v0.io,
    ),
    0,
    v0.err.join('\n'),
  );
  const evald = io();
  await writeFile(
    join(dir, 'in.json'),
    JSON.stringify({
      review: {
        object: {
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1' },
              { name: 'ok', image: 'registry.example.com/a:1' },
            ],
          },
        },
      },
    }),
  );
  t.equal(
    await runCli(['policy', 'eval', '-b', out, '-i', join(dir, 'in.json'), 'data.k8sallowedrepos.violation'], evald.io),
    0,
    evald.err.join('\n'),
  );
  t.match(JSON.parse(evald.out.join('\n')), {
    result: [{ expressions: [{ value: [{ msg: 'container <web> has an invalid image repo <nginx:1>' }] }] }],
  });
});

t.test('capabilities lists built-ins in OPA shape, without network ones', async (t) => {
  const r = io();
  t.equal(await runCli(['policy', 'capabilities'], r.io), 0);
  const caps: unknown = JSON.parse(r.out.join('\n'));
  t.match(caps, { builtins: Array, wasm_abi_versions: [{ version: 1 }] });
  const names =
    typeof caps === 'object' && caps !== null && 'builtins' in caps && Array.isArray(caps.builtins)
      ? caps.builtins.map((b: { name?: unknown }) => b.name)
      : [];
  for (const name of [
    'startswith',
    'glob.match',
    'regex.match',
    'sprintf',
    'object.get',
    'count',
    'time.now_ns',
    'semver.compare',
    'net.cidr_contains',
  ])
    t.ok(names.includes(name), name);
  t.notOk(names.includes('http.send'), 'http.send is not offered');
});

const printPolicy = [
  'package p',
  '',
  'r if {',
  '\tsome x in [1, 2]',
  '\tprint("x is", x, input.nope)',
  '\tx > 1',
  '}',
  '',
  'test_one if {',
  '\tprint("in test_one", {"a": {1}})',
  '\tr',
  '}',
  '',
  'test_two if {',
  '\tprint("two")',
  '\tfalse',
  '}',
  '',
  'test_quiet if count([1]) == 1',
  '',
].join('\n');

t.test('policy eval writes print() lines to stderr and the result to stdout', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'p.rego'), printPolicy);
  const r = io();
  t.equal(await runCli(['policy', 'eval', '-d', dir, 'data.p.r; print("q", {"s"})'], r.io), 0, r.err.join('\n'));
  t.same(r.err, ['x is 1 <undefined>', 'x is 2 <undefined>', 'q {"s"}']);
  t.match(JSON.parse(r.out.join('\n')), {
    result: [
      {
        expressions: [
          { value: true, text: 'data.p.r' },
          { value: true, text: 'print("q", {"s"})' },
        ],
      },
    ],
  });
});

t.test("policy test shows each test's print() lines indented under it", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'p_test.rego'), printPolicy);
  const r = io();
  t.equal(await runCli(['policy', 'test', '-v', dir], r.io), 1, 'test_two fails');
  const lines = r.out.map((l) => l.replace(/\([\d.]+(?:ms|µs|s)\)/, '(T)'));
  const at = (name: string) => lines.findIndex((l) => l.startsWith(`data.p.${name}:`));
  t.same(lines.slice(at('test_one'), at('test_one') + 4), [
    'data.p.test_one: PASS (T)',
    '  in test_one {"a": {1}}',
    '  x is 1 <undefined>',
    '  x is 2 <undefined>',
  ]);
  t.same(lines.slice(at('test_two'), at('test_two') + 2), ['data.p.test_two: FAIL (T)', '  two']);
  t.match(lines[at('test_quiet') + 1] ?? '', /^-+$/, 'a test run after a printing one shows only its own lines');
  t.same(r.err, []);
});

t.test('policy build drops print() unless --enable-print', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'p.rego'), printPolicy);
  const evalBundle = async (file: string) => {
    const r = io();
    t.equal(await runCli(['policy', 'eval', '-b', file, 'data.p.r'], r.io), 0, r.err.join('\n'));
    t.match(JSON.parse(r.out.join('\n')), { result: [{ expressions: [{ value: true }] }] });
    return r.err;
  };
  for (const [flags, expected] of [
    [[], []],
    [['--enable-print'], ['x is 1 <undefined>', 'x is 2 <undefined>']],
  ] as const) {
    const out = join(dir, `b${flags.length}.tar.gz`);
    const r = io();
    t.equal(await runCli(['policy', 'build', '-e', 'p/r', '-o', out, ...flags, dir], r.io), 0, r.err.join('\n'));
    t.same(await evalBundle(out), expected, `build ${flags.join(' ') || 'without flags'}`);
  }
});
