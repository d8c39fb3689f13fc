import t from 'tap';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/index.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) } };
}

t.test('help, unknown commands and options', async (t) => {
  const a = io();
  t.equal(await runCli(['help'], a.io), 0);
  t.match(a.out.join('\n'), /serve \[--config FILE\]/);
  const b = io();
  t.equal(await runCli(['frobnicate'], b.io), 2);
  t.match(b.err.join('\n'), /unknown command "frobnicate"/);
  const c = io();
  t.equal(await runCli(['serve', '--confg', 'x.yaml'], c.io), 2, 'a mistyped option is a usage error');
  t.match(c.err.join('\n'), /IMAGEGATE_CLI_USAGE: serve: .*--confg/);
  const d = io();
  t.equal(await runCli(['certs', '--service', 'imagegate'], d.io), 2);
  t.match(d.err.join('\n'), /--namespace NS are required/);
  const e = io();
  t.equal(await runCli(['certs', '--service', 'imagegate', '--namespace', 'ns', '--days', 'ten'], e.io), 2);
  t.match(e.err.join('\n'), /--days must be a whole number of days, got "ten"/);
});

t.test('serve refuses a config with an unknown key, naming it, before listening', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'server:\n  prot: 1\n');
  const r = io();
  t.equal(await runCli(['serve', '--config', file], r.io), 1);
  t.match(r.err.join('\n'), /IMAGEGATE_CONFIG_INVALID: .*bad\.yaml: .*\/server\/prot: unknown key "prot"/s);
});

t.test('certs writes the pair and prints the caBundle, never a key', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const r = io();
  t.equal(
    await runCli(['certs', '--service', 'imagegate', '--namespace', 'security', '--out', dir, '--days', '30'], r.io),
    0,
  );
  const text = r.out.join('\n');
  t.match(text, /imagegate\.security\.svc\.cluster\.local/);
  t.match(text, /caBundle: [A-Za-z0-9+/=]{100,}/);
  t.notMatch(text, /PRIVATE KEY/);
  t.equal((await stat(join(dir, 'tls.key'))).mode & 0o777, 0o600);
});
