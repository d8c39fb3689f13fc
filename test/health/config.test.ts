/**
 * The `health` config section: validated at start-up like every other, unknown keys rejected,
 * each source kind taking only its own keys, credentials never over plain http, and bands that
 * increase. Files a source names are read when the source is created.
 */
import t from 'tap';
import { parseConfig } from '../../src/config/internal.js';
import { createHealthSource } from '../../src/health/index.js';
import { healthConfig } from './helpers.js';

function problems(yaml: string): string {
  try {
    parseConfig({ text: yaml, source: 'health.yaml' });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return 'valid';
}

t.test('defaults: no sources, Red Hat bands, a 6 h ttl', async (t) => {
  const h = parseConfig({ text: '', source: 'empty.yaml' }).health;
  t.same(h.sources, []);
  t.equal(h.ttlMs, 21_600_000);
  t.same(h.bands, { critical: { B: 7, C: 30, D: 90, E: 365 }, important: { B: 30, C: 90, D: 365 } });
  const custom = parseConfig({ text: 'health:\n  bands:\n    important: {B: 14, C: 60}\n', source: 'b.yaml' }).health
    .bands;
  t.same(
    custom,
    { critical: { B: 7, C: 30, D: 90, E: 365 }, important: { B: 14, C: 60 } },
    'a severity given replaces its bands whole',
  );
});

t.test('unknown keys, wrong kinds and misplaced keys are named with their path', async (t) => {
  t.match(problems('health:\n  ttl: 5\n'), /\/health\/ttl: unknown key "ttl"/);
  t.match(
    problems('health:\n  sources:\n    - {kind: pyxis, repositories: ["*"], pasword: x}\n'),
    /\/health\/sources\/0\/pasword: unknown key/,
  );
  t.match(
    problems('health:\n  sources:\n    - {kind: trivy, repositories: ["*"]}\n'),
    /\/health\/sources\/0\/kind: must be one of "pyxis", "clair", "quay", "static"/,
  );
  t.match(
    problems('health:\n  sources:\n    - {kind: clair, repositories: ["*"]}\n'),
    /\/health\/sources\/0\/url: required for a source of kind clair/,
  );
  t.match(
    problems(
      'health:\n  sources:\n    - {kind: static, repositories: ["*"], file: g.yaml, url: "https://x.example.com"}\n',
    ),
    /\/health\/sources\/0\/url: a source of kind static takes only file; remove it/,
  );
  t.match(
    problems('health:\n  sources:\n    - {kind: pyxis, repositories: ["registry.example.com/Team"]}\n'),
    /\/health\/sources\/0\/repositories\/0/,
  );
  t.match(
    problems(
      'health:\n  sources:\n    - {kind: pyxis, repositories: ["*"]}\n    - {kind: pyxis, repositories: ["x.io"]}\n',
    ),
    /name "pyxis" is used twice/,
  );
});

t.test('credentials never go over plain http; bands must increase', async (t) => {
  t.match(
    problems(
      'health:\n  sources:\n    - {kind: quay, url: "http://quay.example.com", repositories: ["*"], credentials: {username: r, password: p}}\n',
    ),
    /\/health\/sources\/0\/url: credentials are never sent over plain http/,
  );
  t.match(
    problems('health:\n  bands:\n    critical: {B: 7, C: 7, D: 90}\n'),
    /\/health\/bands\/critical\/C \(7\) must be greater than the band before it \(7\)/,
  );
  t.equal(
    problems(
      'health:\n  sources:\n    - {kind: quay, url: "https://quay.example.com", repositories: ["*"], credentials: {username: r, password: p}}\n',
    ),
    'valid',
  );
});

t.test('a file a source names that cannot be read stops creation with IMAGEGATE_HEALTH_CONFIG_INVALID', async (t) => {
  const config = healthConfig({ sources: [{ kind: 'static', file: '/nonexistent/grades.yaml', repositories: ['*'] }] });
  t.throws(() => createHealthSource({ config }), {
    code: 'IMAGEGATE_HEALTH_CONFIG_INVALID',
    message: /cannot read the grades file "\/nonexistent\/grades.yaml"/,
  });
});
