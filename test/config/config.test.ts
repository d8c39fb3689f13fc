import t from 'tap';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/index.js';
import { loadConfigFile, parseConfig } from '../../src/config/internal.js';

t.test('an empty file means the embedded defaults', async (t) => {
  t.same(parseConfig({ text: '', source: 'empty.yaml' }), defaultConfig);
});

t.test('keys override defaults and the result is frozen', async (t) => {
  const c = parseConfig({
    text: 'server:\n  port: 9443\n  tls:\n    reloadIntervalMs: 250\nadmission:\n  failurePolicy: Ignore\n',
    source: 'c.yaml',
  });
  t.equal(c.server.port, 9443);
  t.equal(c.server.tls.reloadIntervalMs, 250);
  t.equal(c.server.tls.generatedDir, 'certs', 'untouched nested keys keep defaults');
  t.equal(c.server.bodyLimitBytes, 7 * 1024 * 1024);
  t.equal(c.admission.failurePolicy, 'Ignore');
  t.ok(Object.isFrozen(c.server.tls), 'deeply frozen');
  t.throws(() => {
    Object.assign(c.server, { port: 1 });
  });
});

t.test('unknown keys are rejected with their path', async (t) => {
  t.throws(() => parseConfig({ text: 'server:\n  tls:\n    certFiel: /x\n', source: 'typo.yaml' }), {
    code: 'IMAGEGATE_CONFIG_INVALID',
    message: /typo\.yaml: .*\/server\/tls\/certFiel: unknown key "certFiel"/s,
  });
  t.throws(() => parseConfig({ text: 'polcy: {}\n', source: 'top.yaml' }), { message: /\/polcy: unknown key "polcy"/ });
});

t.test('wrong types and values are named', async (t) => {
  t.throws(() => parseConfig({ text: 'server:\n  port: "8443"\n', source: 'c.yaml' }), {
    message: /\/server\/port: must be integer/,
  });
  t.throws(() => parseConfig({ text: 'server:\n  port: 70000\n', source: 'c.yaml' }), {
    message: /\/server\/port: must be <= 65535/,
  });
  t.throws(() => parseConfig({ text: 'admission:\n  failurePolicy: Open\n', source: 'c.yaml' }), {
    message: /\/admission\/failurePolicy: must be one of "Fail", "Ignore"/,
  });
  t.throws(() => parseConfig({ text: '- 1\n- 2\n', source: 'list.yaml' }), {
    message: /\(top level\): must be object/,
  });
  t.throws(() => parseConfig({ text: 'policy:\n  evaluators: 0\n', source: 'c.yaml' }), {
    message: /\/policy\/evaluators: must be >= 1/,
  });
  t.throws(() => parseConfig({ text: 'policy:\n  evaluators: 65\n', source: 'c.yaml' }), {
    message: /\/policy\/evaluators: must be <= 64/,
  });
  t.throws(() => parseConfig({ text: 'policy:\n  maxQueued: -1\n', source: 'c.yaml' }), {
    message: /\/policy\/maxQueued: must be >= 0/,
  });
});

t.test('the evaluator pool: one thread per core by default, at most 64; the queue bound is configurable', async (t) => {
  t.equal(defaultConfig.policy.evaluators, Math.min(64, availableParallelism()));
  t.match(parseConfig({ text: 'policy:\n  evaluators: 4\n  maxQueued: 0\n', source: 'c.yaml' }).policy, {
    evaluators: 4,
    maxQueued: 0,
    entrypoint: 'imagegate/decision',
  });
});

t.test('the verdict cache: bounds validated, partial settings keep the other defaults', async (t) => {
  t.same(defaultConfig.policy.verdictCache, { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024, maxTtlMs: 60_000 });
  t.same(
    parseConfig({ text: 'policy:\n  verdictCache:\n    maxTtlMs: 5000\n', source: 'c.yaml' }).policy.verdictCache,
    {
      maxEntries: 10_000,
      maxBytes: 16 * 1024 * 1024,
      maxTtlMs: 5_000,
    },
  );
  t.throws(() => parseConfig({ text: 'policy:\n  verdictCache:\n    maxBytes: -1\n', source: 'c.yaml' }), {
    message: /\/policy\/verdictCache\/maxBytes: must be >= 0/,
  });
  t.throws(() => parseConfig({ text: 'policy:\n  verdictCache:\n    ttl: 1\n', source: 'c.yaml' }), {
    message: /\/policy\/verdictCache\/ttl: unknown key "ttl"/,
  });
});

t.test('YAML errors and duplicate keys name file, line and column', async (t) => {
  t.throws(() => parseConfig({ text: 'server:\n  port: 1\n  port: 2\n', source: 'dup.yaml' }), {
    code: 'IMAGEGATE_CONFIG_INVALID',
    message: /dup\.yaml:3:\d+: not valid YAML/,
  });
  t.throws(() => parseConfig({ text: 'server: [\n', source: 'bad.yaml' }), {
    message: /bad\.yaml:\d+:\d+: not valid YAML/,
  });
});

t.test('files: missing and present', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await t.rejects(loadConfigFile(join(dir, 'nope.yaml')), {
    code: 'IMAGEGATE_CONFIG_UNREADABLE',
    message: /nope\.yaml/,
  });
  const file = join(dir, 'imagegate.yaml');
  await writeFile(file, 'log:\n  level: debug\n');
  t.equal((await loadConfigFile(file)).log.level, 'debug');
});

t.test('timeouts that contradict each other stop start-up, naming every key involved', async (t) => {
  const bad: [string, RegExp][] = [
    [
      'admission:\n  deadlineMarginMs: 1000\n',
      /\/admission\/deadlineMarginMs \(1000\) must be less than \/admission\/minTimeoutMs \(1000\)/,
    ],
    [
      'admission:\n  minTimeoutMs: 5000\n  maxTimeoutMs: 4000\n  defaultTimeoutMs: 4000\n',
      /\/admission\/minTimeoutMs \(5000\) must be at most \/admission\/maxTimeoutMs \(4000\)/,
    ],
    [
      'admission:\n  maxTimeoutMs: 8000\n',
      /\/admission\/defaultTimeoutMs \(10000\) must be within \/admission\/minTimeoutMs \(1000\) and \/admission\/maxTimeoutMs \(8000\)/,
    ],
    [
      'server:\n  headersTimeoutMs: 9000\nadmission:\n  maxTimeoutMs: 9000\n  defaultTimeoutMs: 9000\n',
      /\/server\/headersTimeoutMs \(9000\) must be less than \/admission\/maxTimeoutMs \(9000\)/,
    ],
  ];
  for (const [text, message] of bad) {
    t.throws(
      () => parseConfig({ text, source: 'c.yaml' }),
      { code: 'IMAGEGATE_CONFIG_INVALID', message },
      text.replace(/\n/g, ' '),
    );
  }
  t.throws(
    () => parseConfig({ text: 'admission:\n  maxTimeoutMs: 31000\n', source: 'c.yaml' }),
    { message: /\/admission\/maxTimeoutMs: must be <= 30000/ },
    'the API server never waits longer than 30 s',
  );
  const ok = parseConfig({
    text: 'server:\n  headersTimeoutMs: 1000\nadmission:\n  minTimeoutMs: 2000\n  maxTimeoutMs: 3000\n  defaultTimeoutMs: 3000\n  deadlineMarginMs: 1500\n',
    source: 'ok.yaml',
  });
  t.equal(ok.admission.maxTimeoutMs, 3000);
});

t.test('the removed server.requestTimeoutMs says what replaced it', async (t) => {
  t.throws(() => parseConfig({ text: 'server:\n  requestTimeoutMs: 15000\n', source: 'old.yaml' }), {
    code: 'IMAGEGATE_CONFIG_INVALID',
    message: /\/server\/requestTimeoutMs: removed: .*derived from \/admission\/maxTimeoutMs/,
  });
});

t.test('body parsing caps: defaults, ranges, and a parsing cap below the body limit refused at start-up', async (t) => {
  const d = parseConfig({ text: '', source: 'c.yaml' }).server;
  t.same([d.parseInWorkerAboveBytes, d.maxParsingBytes, d.maxConcurrentReviews], [256 * 1024, 32 * 1024 * 1024, 512]);
  t.equal(
    parseConfig({ text: 'server:\n  parseInWorkerAboveBytes: 0\n', source: 'c.yaml' }).server.parseInWorkerAboveBytes,
    0,
    '0 sends every body to the parser thread',
  );
  t.throws(() => parseConfig({ text: 'server:\n  maxConcurrentReviews: 0\n', source: 'c.yaml' }), {
    message: /\/server\/maxConcurrentReviews: must be >= 1/,
  });
  t.throws(() => parseConfig({ text: 'server:\n  maxParsingBytes: 1048576\n', source: 'caps.yaml' }), {
    code: 'IMAGEGATE_CONFIG_INVALID',
    message:
      /caps\.yaml: 1 problem\(s\):\n {2}\/server\/maxParsingBytes \(1048576\) must be at least \/server\/bodyLimitBytes \(7340032\)/,
  });
  t.equal(
    parseConfig({ text: 'server:\n  maxParsingBytes: 1048576\n  bodyLimitBytes: 1048576\n', source: 'c.yaml' }).server
      .maxParsingBytes,
    1048576,
    'equal to the body limit is fine',
  );
});

t.test('policy.dir or policy.bundle, never both', async (t) => {
  t.equal(
    parseConfig({ text: 'policy:\n  dir: /etc/imagegate/policies\n', source: 'c.yaml' }).policy.dir,
    '/etc/imagegate/policies',
  );
  t.equal(parseConfig({ text: 'policy:\n  bundle: /b.tar.gz\n', source: 'c.yaml' }).policy.bundle, '/b.tar.gz');
  t.throws(() => parseConfig({ text: 'policy:\n  bundle: /b.tar.gz\n  dir: /p\n', source: 'both.yaml' }), {
    code: 'IMAGEGATE_CONFIG_INVALID',
    message:
      /both\.yaml: 1 problem\(s\):\n {2}\/policy\/bundle \("\/b\.tar\.gz"\) and \/policy\/dir \("\/p"\) are both set: give exactly one/,
  });
  t.throws(() => parseConfig({ text: 'policy:\n  dir: ""\n', source: 'c.yaml' }), {
    message: /\/policy\/dir: must NOT have fewer than 1 characters/,
  });
});

t.test('reload.intervalMs and server.drainMs: defaults, 0 allowed, tiny reload intervals refused', async (t) => {
  t.equal(defaultConfig.reload.intervalMs, 2_000);
  t.equal(defaultConfig.server.drainMs, 10_000);
  const off = parseConfig({ text: 'reload: {intervalMs: 0}\nserver: {drainMs: 0}\n', source: 'x' });
  t.same([off.reload.intervalMs, off.server.drainMs], [0, 0]);
  t.throws(() => parseConfig({ text: 'reload: {intervalMs: 5}\n', source: 'x' }), { code: 'IMAGEGATE_CONFIG_INVALID' });
  t.throws(() => parseConfig({ text: 'reload: {every: 5}\n', source: 'x' }), {
    message: /\/reload\/every: unknown key/,
  });
});
