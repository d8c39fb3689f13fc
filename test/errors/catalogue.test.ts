import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixOf, httpStatusOf, ImagegateError, isErrorCode, isImagegateError } from '../../src/errors/index.js';
import { KubeError } from '../../src/kube/index.js';
import { ERROR_CODES } from '../../src/errors/internal.js';

const root = join(import.meta.dirname, '..', '..');

/** Rows of docs/errors.md's table: code → the whole row text. */
function documented(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync(join(root, 'docs', 'errors.md'), 'utf8').split('\n')) {
    const m = /^\| `(IMAGEGATE_[A-Z0-9_]+)` \|/.exec(line);
    if (m?.[1] !== undefined) rows.set(m[1], line);
  }
  return rows;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Every code string in src/. A name followed by `*` (IMAGEGATE_REGISTRY_*) is a family, not a code. */
function codesUsedInSrc(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bIMAGEGATE_[A-Z0-9_]+\b(?!\*)/g)) used.set(m[0], file);
  }
  return used;
}

const table = Object.keys(ERROR_CODES);

t.test('every code in the table is documented in docs/errors.md', async (t) => {
  const docs = documented();
  t.same(
    table.filter((c) => !docs.has(c)),
    [],
  );
});

t.test('every code documented in docs/errors.md is in the table', async (t) => {
  t.same(
    [...documented().keys()].filter((c) => !isErrorCode(c)),
    [],
  );
});

t.test('every code used in src/ is in the table', async (t) => {
  const used = codesUsedInSrc();
  t.ok(used.size > 40, `found ${used.size} codes in src/`);
  t.same(
    [...used].filter(([c]) => !isErrorCode(c)).map(([c, f]) => `${c} in ${f}`),
    [],
  );
});

t.test('the HTTP status of a code is the one its documented row names', async (t) => {
  const docs = documented();
  for (const code of table) {
    if (!isErrorCode(code)) continue;
    const status = httpStatusOf(code);
    const named = [...new Set([...(docs.get(code) ?? '').matchAll(/HTTP (\d{3})/g)].map((m) => Number(m[1])))];
    t.same(named, status === undefined ? [] : [status], code);
  }
});

t.test('a fix in the table is the fix its documented row gives (backquotes aside)', async (t) => {
  const docs = documented();
  const plain = (s: string) => s.replaceAll('`', '');
  const withFix = Object.entries(ERROR_CODES).flatMap(([code, entry]) =>
    'fix' in entry ? [{ code, fix: entry.fix }] : [],
  );
  t.ok(withFix.length >= 25, `${withFix.length} codes carry their fix in the table`);
  for (const { code, fix } of withFix) {
    const cells = (docs.get(code) ?? '').split(' | ');
    t.equal(plain(cells[3]?.replace(/ \|$/, '') ?? ''), plain(fix), code);
  }
});

t.test('a Kubernetes API error ends its message with the catalogued fix', async (t) => {
  const kube = new KubeError('forbidden', 'reading secret team-a/pull: HTTP 403');
  t.equal(kube.code, 'IMAGEGATE_KUBE_FORBIDDEN');
  t.equal(kube.message, `reading secret team-a/pull: HTTP 403: ${fixOf('IMAGEGATE_KUBE_FORBIDDEN')}`);
  t.match(kube.message, /grant the webhook's service account get on secrets/);
  // @ts-expect-error a code without a catalogued fix cannot be asked for one
  t.throws(() => fixOf('IMAGEGATE_CLI_USAGE').length);
});

t.test('isErrorCode refuses strings outside the table, prototype names included', async (t) => {
  t.equal(isErrorCode('IMAGEGATE_REGISTRY_TIMEOUT'), true);
  t.equal(isErrorCode('IMAGEGATE_REGISTRY_TIMEOUTS'), false);
  t.equal(isErrorCode('toString'), false);
  t.equal(isErrorCode('__proto__'), false);
});

t.test('isImagegateError narrows by code', async (t) => {
  const err: unknown = new ImagegateError('IMAGEGATE_CLI_USAGE', 'unknown option --x: see imagegate help');
  t.equal(isImagegateError(err), true);
  t.equal(isImagegateError(err, 'IMAGEGATE_CLI_USAGE'), true);
  t.equal(isImagegateError(err, 'IMAGEGATE_CONFIG_INVALID'), false);
  t.equal(isImagegateError(new Error('x')), false);
  // @ts-expect-error a code outside the catalogue does not compile
  t.equal(isImagegateError(err, 'IMAGEGATE_CLI_USAGES'), false);
});
