/**
 * `imagegate certs --patch-manifests` and `--trust`: the caBundle written into the webhook
 * configurations, rotation with overlap checked with real TLS handshakes (what the API server
 * does with caBundle), and refusals that leave every file as it was.
 */
import { X509Certificate } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, connect, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { runCaBundlePatchCommand, runCertsCommand } from '../../src/certs/index.js';
import { runCli } from '../../src/cli/index.js';
import { repoRoot } from '../fixtures/shared.js';

const EXAMPLE_CA_PATCH = join(repoRoot, 'manifests', 'overlays', 'example', 'webhooks-ca.yaml');
const BASE_WEBHOOKS = join(repoRoot, 'manifests', 'base', 'webhooks.yaml');
const SERVICE_HOST = 'imagegate.imagegate.svc';

interface Tap {
  teardown: (fn: () => unknown) => void;
}

async function tempDir(t: Tap): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-patch-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function quiet(): { lines: string[]; stdout: (l: string) => void } {
  const lines: string[] = [];
  return { lines, stdout: (l) => lines.push(l) };
}

interface Webhook {
  readonly kind: unknown;
  readonly name: unknown;
  readonly caBundle: unknown;
  readonly rest: unknown;
}

/** Every webhook of every webhook configuration in a YAML text, its caBundle apart. */
function webhooksOf(text: string): Webhook[] {
  const out: Webhook[] = [];
  for (const doc of parseAllDocuments(text)) {
    const value: unknown = doc.toJS();
    if (!isRecord(value) || !Array.isArray(value.webhooks)) continue;
    for (const hook of value.webhooks) {
      if (!isRecord(hook)) continue;
      const clientConfig = isRecord(hook.clientConfig) ? hook.clientConfig : {};
      const { caBundle, ...otherConfig } = clientConfig;
      out.push({ kind: value.kind, name: hook.name, caBundle, rest: { ...hook, clientConfig: otherConfig } });
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The PEM certificates a caBundle value decodes to, in order. */
function certificatesIn(caBundle: unknown): X509Certificate[] {
  if (typeof caBundle !== 'string') return [];
  const pem = Buffer.from(caBundle, 'base64').toString('utf8');
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block),
  );
}

/** Generates a CA and serving pair into `out` (optionally patching and trusting more CAs). */
async function generate(opts: { out: string; trust?: string[]; patch?: string[]; now?: () => Date; days?: number }) {
  const q = quiet();
  const paths = await runCertsCommand({
    service: 'imagegate',
    namespace: 'imagegate',
    out: opts.out,
    ...(opts.days === undefined ? {} : { days: opts.days }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    trust: opts.trust ?? [],
    patchManifests: opts.patch ?? [],
    stdout: q.stdout,
  });
  return { paths, lines: q.lines };
}

/**
 * A TLS handshake as the API server makes it: to the Service's DNS name, trusting exactly the
 * CAs of caBundle. Resolves true when the server's certificate verifies.
 */
async function apiServerTrusts(t: Tap, caBundle: unknown, certsDir: string): Promise<boolean> {
  const server = createServer({
    cert: await readFile(join(certsDir, 'tls.crt')),
    key: await readFile(join(certsDir, 'tls.key')),
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address: AddressInfo | string | null = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const ca = Buffer.from(typeof caBundle === 'string' ? caBundle : '', 'base64').toString('utf8');
  return new Promise<boolean>((resolve) => {
    const socket: TLSSocket = connect({ host: '127.0.0.1', port, servername: SERVICE_HOST, ca }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

t.test('--patch-manifests writes the new CA into both webhooks of the example overlay and nothing else', async (t) => {
  const dir = await tempDir(t);
  const manifest = join(dir, 'webhooks-ca.yaml');
  await copyFile(EXAMPLE_CA_PATCH, manifest);
  const before = await readFile(manifest, 'utf8');
  const { paths, lines } = await generate({ out: join(dir, 'certs'), patch: [manifest] });

  const after = await readFile(manifest, 'utf8');
  const caPem = await readFile(paths.caCertPath, 'utf8');
  const expected = Buffer.from(caPem).toString('base64');
  const hooks = webhooksOf(after);
  t.same(
    hooks.map((h) => [h.kind, h.name, h.caBundle]),
    [
      ['MutatingWebhookConfiguration', 'mutate.imagegate.dev', expected],
      ['ValidatingWebhookConfiguration', 'validate.imagegate.dev', expected],
    ],
  );
  const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
  t.same(changed, [`      caBundle: ${expected}`, `      caBundle: ${expected}`], 'only the two caBundle lines change');
  t.ok(lines.includes(`caBundle: ${expected}`));
  t.ok(lines.some((l) => l.includes(`${manifest}: ValidatingWebhookConfiguration/imagegate webhook validate.imagegate.dev`)));
  t.equal(await apiServerTrusts(t, hooks[0]?.caBundle, join(dir, 'certs')), true, 'the served certificate verifies');
});

t.test('a manifest without caBundle (the base) gets one per webhook; every other field and comment stays', async (t) => {
  const dir = await tempDir(t);
  const manifest = join(dir, 'webhooks.yaml');
  await copyFile(BASE_WEBHOOKS, manifest);
  const before = await readFile(manifest, 'utf8');
  const { paths } = await generate({ out: join(dir, 'certs'), patch: [manifest] });
  const after = await readFile(manifest, 'utf8');
  const expected = Buffer.from(await readFile(paths.caCertPath, 'utf8')).toString('base64');
  t.same(
    webhooksOf(after).map((h) => h.caBundle),
    [expected, expected],
  );
  t.same(
    webhooksOf(after).map((h) => h.rest),
    webhooksOf(before).map((h) => h.rest),
    'the webhooks are otherwise unchanged',
  );
  const comments = (text: string) => text.split('\n').filter((l) => l.trimStart().startsWith('#'));
  t.same(comments(after), comments(before), 'comments kept');
});

t.test('rotation with overlap: old and new CA both trusted, then the old one dropped', async (t) => {
  const dir = await tempDir(t);
  const manifest = join(dir, 'webhooks-ca.yaml');
  await copyFile(EXAMPLE_CA_PATCH, manifest);
  const oldDir = join(dir, 'old');
  const newDir = join(dir, 'new');
  await generate({ out: oldDir, patch: [manifest] });
  const oldBundle = webhooksOf(await readFile(manifest, 'utf8'))[0]?.caBundle;
  t.equal(await apiServerTrusts(t, oldBundle, oldDir), true, 'step 0: the old pair is trusted');

  // Step 1: a new CA and pair; caBundle holds the new CA, then the old one.
  await generate({ out: newDir, trust: [join(oldDir, 'ca.crt')], patch: [manifest] });
  const overlap = webhooksOf(await readFile(manifest, 'utf8'));
  const [newCa, oldCa] = await Promise.all(
    [newDir, oldDir].map(async (d) => new X509Certificate(await readFile(join(d, 'ca.crt'), 'utf8'))),
  );
  for (const hook of overlap) {
    t.same(
      certificatesIn(hook.caBundle).map((c) => c.fingerprint256),
      [newCa?.fingerprint256, oldCa?.fingerprint256],
      `${String(hook.name)}: new CA first, then the old one`,
    );
  }
  t.equal(await apiServerTrusts(t, overlap[0]?.caBundle, oldDir), true, 'step 1: replicas still serving the old pair verify');
  t.equal(await apiServerTrusts(t, overlap[0]?.caBundle, newDir), true, 'step 1: replicas serving the new pair verify');

  // Step 2: every replica serves the new pair; the old CA leaves the bundle.
  const q = quiet();
  await runCaBundlePatchCommand({ trust: [join(newDir, 'ca.crt')], patchManifests: [manifest], stdout: q.stdout });
  const final = webhooksOf(await readFile(manifest, 'utf8'));
  for (const hook of final) {
    t.same(
      certificatesIn(hook.caBundle).map((c) => c.fingerprint256),
      [newCa?.fingerprint256],
    );
  }
  t.equal(await apiServerTrusts(t, final[0]?.caBundle, newDir), true, 'step 2: the new pair verifies');
  t.equal(await apiServerTrusts(t, final[0]?.caBundle, oldDir), false, 'step 2: the old pair no longer does');
});

t.test('the same CA passed twice appears once', async (t) => {
  const dir = await tempDir(t);
  const manifest = join(dir, 'webhooks-ca.yaml');
  await copyFile(EXAMPLE_CA_PATCH, manifest);
  const { paths } = await generate({ out: join(dir, 'a') });
  await runCaBundlePatchCommand({ trust: [paths.caCertPath, paths.caCertPath], patchManifests: [manifest], stdout: () => undefined });
  t.equal(certificatesIn(webhooksOf(await readFile(manifest, 'utf8'))[0]?.caBundle).length, 1);
});

t.test('a JSON manifest keeps its quotes and stays JSON', async (t) => {
  const dir = await tempDir(t);
  const manifest = join(dir, 'hooks.json');
  const doc = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'imagegate' },
    webhooks: [{ name: 'validate.imagegate.dev', clientConfig: { caBundle: 'old' } }],
  };
  await writeFile(manifest, JSON.stringify(doc, null, 2), { mode: 0o640 });
  const { paths } = await generate({ out: join(dir, 'certs'), patch: [manifest] });
  const parsed: unknown = JSON.parse(await readFile(manifest, 'utf8'));
  const expected = Buffer.from(await readFile(paths.caCertPath, 'utf8')).toString('base64');
  t.same(parsed, { ...doc, webhooks: [{ name: 'validate.imagegate.dev', clientConfig: { caBundle: expected } }] });
  t.equal((await stat(manifest)).mode & 0o777, 0o640, 'file mode kept');
});

t.test('refusals write nothing: no certificates, no manifest change', async (t) => {
  const dir = await tempDir(t);
  const manifest = join(dir, 'webhooks-ca.yaml');
  await copyFile(EXAMPLE_CA_PATCH, manifest);
  const original = await readFile(manifest, 'utf8');
  const existing = await generate({ out: join(dir, 'existing') });
  const expiredCa = await generate({ out: join(dir, 'expired'), days: 1, now: () => new Date('2020-01-01T00:00:00Z') });
  const notYaml = join(dir, 'broken.yaml');
  await writeFile(notYaml, 'webhooks: [unclosed\n');
  const noWebhooks = join(repoRoot, 'manifests', 'base', 'deployment.yaml');
  const noList = join(dir, 'nolist.yaml');
  await writeFile(noList, 'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: x}\n');

  const cases: { name: string; trust?: string[]; patch?: string[]; code: string; message: RegExp }[] = [
    { name: 'a leaf certificate as --trust', trust: [existing.paths.certPath], code: 'IMAGEGATE_CERTS_INVALID_OPTION', message: /not a CA certificate.*not tls\.crt/ },
    { name: 'an expired CA', trust: [expiredCa.paths.caCertPath], code: 'IMAGEGATE_CERTS_INVALID_OPTION', message: /expired at 2020-01-02T00:00:00\.000Z/ },
    { name: 'a missing --trust file', trust: [join(dir, 'nope.crt')], code: 'IMAGEGATE_CERTS_UNREADABLE', message: /cannot read --trust file/ },
    { name: 'a key file as --trust', trust: [existing.paths.keyPath], code: 'IMAGEGATE_CERTS_UNREADABLE', message: /holds no PEM certificate/ },
    { name: 'invalid YAML', patch: [notYaml], code: 'IMAGEGATE_CERTS_MANIFEST_INVALID', message: /broken\.yaml: is not valid YAML/ },
    { name: 'no webhook configuration', patch: [noWebhooks], code: 'IMAGEGATE_CERTS_MANIFEST_INVALID', message: /holds no MutatingWebhookConfiguration or ValidatingWebhookConfiguration/ },
    { name: 'a configuration without webhooks', patch: [noList], code: 'IMAGEGATE_CERTS_MANIFEST_INVALID', message: /document 1 \(MutatingWebhookConfiguration\) has no webhooks list/ },
    { name: 'a missing manifest', patch: [join(dir, 'nope.yaml')], code: 'IMAGEGATE_CERTS_MANIFEST_INVALID', message: /cannot be read/ },
  ];
  for (const c of cases) {
    const out = join(dir, `out-${c.name.replace(/\W+/g, '-')}`);
    await t.rejects(
      generate({ out, trust: c.trust ?? [], patch: [manifest, ...(c.patch ?? [])] }),
      { code: c.code, message: c.message },
      c.name,
    );
    await t.rejects(stat(out), { code: 'ENOENT' }, `${c.name}: no certificate written`);
    t.equal(await readFile(manifest, 'utf8'), original, `${c.name}: the valid manifest is untouched too`);
  }
  t.ok(existing.lines.length > 0 && expiredCa.lines.length > 0);
});

t.test('the CLI: generate and patch, patch only, and usage errors', async (t) => {
  const dir = await tempDir(t);
  const manifest = join(dir, 'webhooks-ca.yaml');
  await copyFile(EXAMPLE_CA_PATCH, manifest);
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) };
  const certs = join(dir, 'certs');
  t.equal(
    await runCli(['certs', '--service', 'imagegate', '--namespace', 'imagegate', '--out', certs, '--patch-manifests', manifest], io),
    0,
  );
  const ca = join(certs, 'ca.crt');
  t.equal(await runCli(['certs', '--trust', ca, '--trust', ca, '--patch-manifests', manifest], io), 0, 'patch only');
  t.equal(certificatesIn(webhooksOf(await readFile(manifest, 'utf8'))[1]?.caBundle).length, 1);

  err.length = 0;
  t.equal(await runCli(['certs', '--trust', ca], io), 2, '--trust alone does nothing: a usage error');
  t.match(err.join('\n'), /IMAGEGATE_CLI_USAGE: .*--trust CA_FILE and --patch-manifests FILE/);
  err.length = 0;
  t.equal(await runCli(['certs', '--patch-manifests', manifest, '--trust', join(dir, 'missing.crt')], io), 1);
  t.match(err.join('\n'), /IMAGEGATE_CERTS_UNREADABLE: cannot read --trust file/);
});
