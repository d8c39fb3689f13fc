import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadCertificatePair, watchCertificatePair, type CertificatePairWatcher } from '../../src/certs/index.js';
import { generateCertificates, type CertificatePair } from '../../src/certs/internal.js';
import { isImagegateError, type ImagegateError } from '../../src/errors/index.js';

const first = generateCertificates({ service: 'hook', namespace: 'gate' });
const second = generateCertificates({ service: 'hook', namespace: 'gate' });
const INTERVAL_MS = 20;

interface Dir {
  readonly dir: string;
  readonly certPath: string;
  readonly keyPath: string;
}

async function tempDir(t: { teardown: (fn: () => Promise<void>) => void }): Promise<Dir> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-certs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { dir, certPath: join(dir, 'tls.crt'), keyPath: join(dir, 'tls.key') };
}

/** Collects watcher callbacks and lets a test await the next one of each kind. */
class Events {
  readonly changes: CertificatePair[] = [];
  readonly errors: ImagegateError[] = [];
  private waiters: (() => void)[] = [];

  readonly onChange = (pair: CertificatePair): void => {
    this.changes.push(pair);
    this.wake();
  };

  readonly onError = (err: ImagegateError): void => {
    this.errors.push(err);
    this.wake();
  };

  /**
   * Resolves once `predicate` holds, re-checking after every callback. The watcher's timer is
   * unref()ed, so a ref'd no-op timer keeps this process alive while a test waits.
   */
  async until(predicate: () => boolean): Promise<void> {
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      while (!predicate()) await new Promise<void>((resolve) => this.waiters.push(resolve));
    } finally {
      clearInterval(keepAlive);
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Replaces a file in one step, as an atomic writer would: no reader sees it half-written. */
async function replace(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

function watch(t: { teardown: (fn: () => void) => void }, d: Dir, events: Events): CertificatePairWatcher {
  const watcher = watchCertificatePair({ certPath: d.certPath, keyPath: d.keyPath, onChange: events.onChange, onError: events.onError, intervalMs: INTERVAL_MS });
  t.teardown(() => watcher.close());
  return watcher;
}

t.test('loadCertificatePair returns the pair and classifies bad input', async (t) => {
  const d = await tempDir(t);
  t.throws(() => loadCertificatePair(d), { code: 'IMAGEGATE_CERTS_UNREADABLE', message: d.certPath });
  await writeFile(d.certPath, first.certPem);
  t.throws(() => loadCertificatePair(d), { code: 'IMAGEGATE_CERTS_UNREADABLE', message: d.keyPath });
  await writeFile(d.keyPath, second.keyPem);
  t.throws(() => loadCertificatePair(d), { code: 'IMAGEGATE_CERTS_MISMATCH' });
  await writeFile(d.keyPath, first.keyPem);
  t.same(loadCertificatePair(d), { cert: first.certPem, key: first.keyPem });
  await writeFile(d.certPath, 'not a certificate');
  t.throws(() => loadCertificatePair(d), { code: 'IMAGEGATE_CERTS_UNREADABLE', message: d.certPath });
  await writeFile(d.certPath, first.certPem);
  await writeFile(d.keyPath, first.certPem);
  t.throws(() => loadCertificatePair(d), { code: 'IMAGEGATE_CERTS_UNREADABLE', message: d.keyPath });
});

t.test('watchCertificatePair refuses to start on a mismatched pair', async (t) => {
  const d = await tempDir(t);
  await writeFile(d.certPath, first.certPem);
  await writeFile(d.keyPath, second.keyPem);
  t.throws(() => watch(t, d, new Events()), { code: 'IMAGEGATE_CERTS_MISMATCH' });
});

t.test('picks up a pair rewritten in place', async (t) => {
  const d = await tempDir(t);
  await writeFile(d.certPath, first.certPem);
  await writeFile(d.keyPath, first.keyPem);
  const events = new Events();
  const watcher = watch(t, d, events);
  t.same(watcher.current(), { cert: first.certPem, key: first.keyPem });
  await writeFile(d.keyPath, second.keyPem);
  await writeFile(d.certPath, second.certPem);
  await events.until(() => events.changes.length > 0);
  t.same(events.changes.at(-1), { cert: second.certPem, key: second.keyPem });
  t.same(watcher.current(), { cert: second.certPem, key: second.keyPem });
});

t.test('a half-done swap is reported and not applied, then the completed swap is', async (t) => {
  const d = await tempDir(t);
  await writeFile(d.certPath, first.certPem);
  await writeFile(d.keyPath, first.keyPem);
  const events = new Events();
  const watcher = watch(t, d, events);
  await replace(d.certPath, second.certPem);
  await events.until(() => events.errors.length > 0);
  t.ok(isImagegateError(events.errors[0], 'IMAGEGATE_CERTS_MISMATCH'));
  t.same(watcher.current(), { cert: first.certPem, key: first.keyPem }, 'old pair kept');
  t.equal(events.changes.length, 0);
  await replace(d.keyPath, second.keyPem);
  await events.until(() => events.changes.length > 0);
  t.same(watcher.current(), { cert: second.certPem, key: second.keyPem });
  t.equal(events.errors.length, 1, 'one report for the one bad state');
});

t.test('a deleted key is reported, the old pair kept, and a restored pair applied', async (t) => {
  const d = await tempDir(t);
  await writeFile(d.certPath, first.certPem);
  await writeFile(d.keyPath, first.keyPem);
  const events = new Events();
  const watcher = watch(t, d, events);
  await unlink(d.keyPath);
  await events.until(() => events.errors.length > 0);
  t.ok(isImagegateError(events.errors[0], 'IMAGEGATE_CERTS_UNREADABLE'));
  t.same(watcher.current(), { cert: first.certPem, key: first.keyPem });
  await writeFile(d.certPath, second.certPem);
  await writeFile(d.keyPath, second.keyPem);
  await events.until(() => events.changes.length > 0);
  t.same(events.changes[0], { cert: second.certPem, key: second.keyPem });
});

/** The layout kubelet gives a secret volume: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>. */
async function secretVersion(d: Dir, version: string, pair: { certPem: string; keyPem: string }): Promise<void> {
  await mkdir(join(d.dir, version));
  await writeFile(join(d.dir, version, 'tls.crt'), pair.certPem);
  await writeFile(join(d.dir, version, 'tls.key'), pair.keyPem);
  await symlink(version, join(d.dir, '..data_tmp'));
  await rename(join(d.dir, '..data_tmp'), join(d.dir, '..data'));
}

t.test('picks up a Kubernetes secret volume ..data symlink swap', async (t) => {
  const d = await tempDir(t);
  await secretVersion(d, '..v1', first);
  await symlink(join('..data', 'tls.crt'), d.certPath);
  await symlink(join('..data', 'tls.key'), d.keyPath);
  const events = new Events();
  const watcher = watch(t, d, events);
  t.same(watcher.current(), { cert: first.certPem, key: first.keyPem });
  await secretVersion(d, '..v2', second);
  await events.until(() => events.changes.length > 0);
  t.same(events.changes[0], { cert: second.certPem, key: second.keyPem });
  t.equal(events.errors.length, 0);
});

t.test('an exception from onChange is reported, not thrown from the timer', async (t) => {
  const d = await tempDir(t);
  await writeFile(d.certPath, first.certPem);
  await writeFile(d.keyPath, first.keyPem);
  const events = new Events();
  const watcher = watchCertificatePair({
    ...d,
    intervalMs: INTERVAL_MS,
    onChange: () => {
      throw new Error('setSecureContext failed');
    },
    onError: events.onError,
  });
  t.teardown(() => watcher.close());
  await writeFile(d.keyPath, second.keyPem);
  await writeFile(d.certPath, second.certPem);
  await events.until(() => events.errors.length > 0);
  t.match(events.errors[0], { code: 'IMAGEGATE_CERTS_RELOAD_FAILED', message: 'setSecureContext failed' });
});

t.test('close() stops polling', async (t) => {
  const d = await tempDir(t);
  await writeFile(d.certPath, first.certPem);
  await writeFile(d.keyPath, first.keyPem);
  const events = new Events();
  const watcher = watch(t, d, events);
  watcher.close();
  await writeFile(d.keyPath, second.keyPem);
  await writeFile(d.certPath, second.certPem);
  // A closed watcher has no event to wait for: give it several intervals to misbehave.
  await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 10));
  t.equal(events.changes.length, 0);
  t.same(watcher.current(), { cert: first.certPem, key: first.keyPem });
});

t.test('rejects a non-positive interval', async (t) => {
  const d = await tempDir(t);
  await writeFile(d.certPath, first.certPem);
  await writeFile(d.keyPath, first.keyPem);
  t.throws(() => watchCertificatePair({ ...d, intervalMs: 0, onChange: () => undefined, onError: () => undefined }), { code: 'IMAGEGATE_CERTS_INVALID_OPTION' });
});
