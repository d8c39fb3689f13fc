/**
 * The everyday policy commands as OPA's: fmt, check, test (quiet, -v, json, SKIPPED, coverage,
 * compile errors), --help everywhere, --version, parse errors with the source line and a caret.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/index.js';
import { repoRoot } from '../fixtures/shared.js';

function io(stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (l: string) => out.push(l),
      stderr: (l: string) => err.push(l),
      ...(stdin === undefined ? {} : { stdin: async () => stdin }),
    },
  };
}

async function run(args: string[], stdin?: string) {
  const r = io(stdin);
  const code = await runCli(args, r.io);
  return { code, out: r.out.join('\n'), err: r.err.join('\n') };
}

async function tempDir(t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imagegate-cmd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const messy = [
  'package   p',
  'import rego.v1',
  'import future.keywords.in',
  'allow if input.x == 1',
  'deny contains msg if { some c in input.cs; msg := sprintf("%v", [c]) }',
  'cfg := {"a": 1,',
  '  "b": [1,',
  '    2]}',
  '',
].join('\n');

const formatted = [
  'package p',
  '',
  'import rego.v1',
  '',
  'allow if input.x == 1',
  '',
  'deny contains msg if {',
  '\tsome c in input.cs',
  '\tmsg := sprintf("%v", [c])',
  '}',
  '',
  'cfg := {',
  '\t"a": 1,',
  '\t"b": [',
  '\t\t1,',
  '\t\t2,',
  '\t],',
  '}',
  '',
].join('\n');

t.test('policy fmt prints, lists, diffs and writes OPA-style source, idempotently', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'p.rego');
  await writeFile(file, messy);
  const printed = await run(['policy', 'fmt', file]);
  t.equal(printed.code, 0, printed.err);
  t.equal(
    `${printed.out}\n`,
    formatted,
    'tabs, paragraphs, one-line bodies kept, multi-line collections kept, future import dropped under rego.v1',
  );
  const list = await run(['policy', 'fmt', '-l', dir]);
  t.same([list.code, list.out], [0, file], '-l names the file that would change');
  const failing = await run(['policy', 'fmt', '-l', '--fail', dir]);
  t.equal(failing.code, 1, '--fail exits 1 when a file would change');
  const diff = await run(['policy', 'fmt', '-d', file]);
  t.match(diff.out, /^--- .*p\.rego\n\+\+\+ .*p\.rego \(formatted\)\n@@ -1,\d+ \+1,\d+ @@\n-package {3}p\n\+package p/);
  t.match(diff.out, /\n-import future\.keywords\.in\n/);
  t.equal(await readFile(file, 'utf8'), messy, 'nothing written without -w');
  t.equal((await run(['policy', 'fmt', '-w', file])).code, 0);
  t.equal(await readFile(file, 'utf8'), formatted, '-w rewrites the file');
  const again = await run(['policy', 'fmt', '-l', '--fail', dir]);
  t.same([again.code, again.out], [0, ''], 'formatting is idempotent');
  const stdin = await run(['policy', 'fmt'], messy);
  t.equal(`${stdin.out}\n`, formatted, 'without PATH it formats stdin');
  const dropped = await run(['policy', 'fmt', '--drop-v0-imports', file]);
  t.notMatch(dropped.out, /import rego\.v1/, '--drop-v0-imports drops import rego.v1');
  const shipped = await run(['policy', 'fmt', '-l', '--fail', join(repoRoot, 'policies')]);
  t.same([shipped.code, shipped.out], [0, ''], 'the shipped policies are formatted');
});

t.test('policy fmt --v0-compatible writes v1 syntax with import rego.v1; a parse error rewrites nothing', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'k.rego');
  await writeFile(file, 'package k\n\nviolation[{"msg": msg}] {\n  not input.ok\n  msg := "no"\n}\n');
  const r = await run(['policy', 'fmt', '--v0-compatible', file]);
  t.equal(r.code, 0, r.err);
  t.equal(
    r.out,
    'package k\n\nimport rego.v1\n\nviolation contains {"msg": msg} if {\n\tnot input.ok\n\tmsg := "no"\n}',
  );
  const broken = join(dir, 'b.rego');
  await writeFile(broken, 'package b\n\nallow if {\n\tinput.x ==\n}\n');
  const bad = await run(['policy', 'fmt', '-w', broken]);
  t.equal(bad.code, 1);
  t.match(
    bad.err,
    /^1 error occurred: .*b\.rego:5:1: rego_parse_error: unexpected } token\n\t}\n\t\^$/,
    'source line and caret, as OPA prints them',
  );
  t.equal(await readFile(broken, 'utf8'), 'package b\n\nallow if {\n\tinput.x ==\n}\n');
});

t.test(
  'policy check reports every error as file:row:col: code: message; --strict adds OPA strict checks',
  async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'ok.rego'), 'package ok\n\nallow if input.x == 1\n');
    t.same(
      await run(['policy', 'check', join(dir, 'ok.rego')]),
      { code: 0, out: '', err: '' },
      'clean sources print nothing',
    );

    await writeFile(join(dir, 'bad.rego'), 'package bad\n\nx if y\n\nz if {\n\tw > 1\n}\n');
    const bad = await run(['policy', 'check', join(dir, 'bad.rego')]);
    t.equal(bad.code, 1);
    const file = join(dir, 'bad.rego');
    t.equal(
      bad.err,
      `2 errors occurred:\n${file}:3:6: rego_unsafe_var_error: var y is unsafe\n${file}:6:2: rego_unsafe_var_error: var w is unsafe`,
      'every error of the failing stage, in source order',
    );

    await writeFile(join(dir, 'types.rego'), 'package types\n\nz := count(1)\n');
    const types = await run(['policy', 'check', join(dir, 'types.rego')]);
    t.match(types.err, /^1 error occurred: .*types\.rego:3:6: rego_type_error: count: invalid argument/);

    await writeFile(join(dir, 'parse.rego'), 'package parse\n\n  allow if {\n\t\tinput.x ==\n  }\n');
    const parse = await run(['policy', 'check', join(dir, 'parse.rego')]);
    t.equal(
      parse.err,
      `1 error occurred: ${join(dir, 'parse.rego')}:5:3: rego_parse_error: unexpected } token\n\t  }\n\t  ^`,
      'the source line and a caret under the column',
    );

    const strictDir = join(dir, 'strict');
    await mkdir(strictDir);
    await writeFile(join(strictDir, 'lib.rego'), 'package lib\n\ng(x) := x\n');
    await writeFile(
      join(strictDir, 'strict.rego'),
      'package strict\n\nimport data.unused\nimport data.lib\n\nf(a) := b if {\n\tb := lib.g(a)\n\tunusedvar := 1\n}\n',
    );
    const lax = await run(['policy', 'check', strictDir]);
    t.equal(lax.code, 0, `not an error without --strict: ${lax.err}`);
    const strict = await run(['policy', 'check', '--strict', strictDir]);
    t.equal(strict.code, 1);
    t.match(strict.err, /strict\.rego:3:1: rego_compile_error: import data\.unused unused/);
    t.match(strict.err, /strict\.rego:8:2: rego_compile_error: assigned var unusedvar unused/);
    t.notMatch(strict.err, /data\.lib unused|var b unused/, 'used imports and variables are not reported');
  },
);

const suite = [
  'package p_test',
  '',
  'test_ok if 1 == 1',
  '',
  'test_wrong if {',
  '\tprint("wrong runs")',
  '\t1 == 2',
  '}',
  '',
  'todo_test_later if false',
  '',
].join('\n');

t.test('policy test: quiet by default, -v per test, SKIPPED todo tests, json report', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'p_test.rego');
  await writeFile(file, suite);
  const quiet = await run(['policy', 'test', dir]);
  t.equal(quiet.code, 1);
  const dur = /\((?:[\d.]+)(?:µs|ms|s)\)/g;
  t.equal(
    quiet.out.replaceAll(dur, '(T)'),
    [
      `${file}:`,
      'data.p_test.test_wrong: FAIL (T)',
      '  wrong runs',
      'data.p_test.todo_test_later: SKIPPED',
      '-'.repeat(80),
      'PASS: 1/3',
      'FAIL: 1/3',
      'SKIPPED: 1/3',
    ].join('\n'),
    'only the tests that did not pass (OPA prints skipped ones too), then the counts',
  );
  const verbose = await run(['policy', 'test', '-v', dir]);
  t.equal(
    verbose.out.replaceAll(dur, '(T)'),
    [
      `${file}:`,
      'data.p_test.test_ok: PASS (T)',
      'data.p_test.test_wrong: FAIL (T)',
      '  wrong runs',
      'data.p_test.todo_test_later: SKIPPED',
      '-'.repeat(80),
      'PASS: 1/3',
      'FAIL: 1/3',
      'SKIPPED: 1/3',
    ].join('\n'),
  );
  const passing = await run(['policy', 'test', '-r', 'test_ok', dir]);
  t.same([passing.code, passing.out], [0, 'PASS: 1/1'], 'all passing, quiet: the count alone');

  const json = await run(['policy', 'test', '--format', 'json', dir]);
  const report: unknown = JSON.parse(json.out);
  t.match(report, [
    { location: { file, row: 3, col: 1 }, package: 'data.p_test', name: 'test_ok', duration: Number },
    {
      location: { file, row: 5, col: 1 },
      package: 'data.p_test',
      name: 'test_wrong',
      fail: true,
      output: Buffer.from('wrong runs\n').toString('base64'),
    },
    { location: { file, row: 10, col: 1 }, package: 'data.p_test', name: 'todo_test_later', skip: true },
  ]);
  t.notOk(
    Array.isArray(report) && report[0] !== null && typeof report[0] === 'object' && 'fail' in report[0],
    'passing tests carry no fail field (omitempty)',
  );
});

t.test('policy test shows compile errors even when no test runs', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'p_test.rego'), 'package p_test\n\ntest_ok if 1 == 1\n\nbroken if y\n');
  for (const args of [[dir], ['-r', 'no_such_test', dir]]) {
    const r = await run(['policy', 'test', ...args]);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.err, /p_test\.rego:5:11: rego_unsafe_var_error: var y is unsafe/, args.join(' '));
  }
});

t.test('policy test --coverage reports covered and not covered lines per file in OPA shape', async (t) => {
  const dir = await tempDir(t);
  const lib = join(dir, 'lib.rego');
  await writeFile(
    lib,
    [
      'package lib', //               1
      '',
      'allow if {', //                3  head: covered (allow succeeds)
      '\tinput.user == "admin"', //   4  evaluated
      '}',
      '',
      'deny if {', //                 7  head: not covered (deny never succeeds)
      '\tinput.user == "guest"', //   8  evaluated
      '\tinput.banned', //            9  never evaluated (line 8 is false)
      '}',
      '',
      'unused := 1', //              12  never evaluated
      '',
    ].join('\n'),
  );
  const tests = join(dir, 'lib_test.rego');
  await writeFile(
    tests,
    'package lib_test\n\ntest_allow if data.lib.allow with input as {"user": "admin"}\n\ntest_deny if not data.lib.deny with input as {"user": "admin"}\n',
  );
  const r = await run(['policy', 'test', '--coverage', dir]);
  t.equal(r.code, 0, r.err);
  const range = (start: number, end = start) => ({ start: { row: start }, end: { row: end } });
  t.same(JSON.parse(r.out), {
    files: {
      [lib]: {
        covered: [range(3, 4), range(8)],
        not_covered: [range(7), range(9), range(12)],
        covered_lines: 3,
        not_covered_lines: 3,
        coverage: 50,
      },
      [tests]: { covered: [range(3), range(5)], covered_lines: 2, coverage: 100 },
    },
    covered_lines: 5,
    not_covered_lines: 3,
    coverage: 62.5,
  });
});

t.test('--help on every command and subcommand; --version from package.json', async (t) => {
  for (const sub of ['build', 'eval', 'test', 'check', 'fmt', 'input', 'capabilities']) {
    const r = await run(['policy', sub, '--help']);
    t.equal(r.code, 0, sub);
    t.match(r.out, new RegExp(`^Usage: imagegate policy ${sub}`), `policy ${sub} --help`);
  }
  const policy = await run(['policy', '--help']);
  t.same([policy.code, policy.out.includes('build|eval|test|check|fmt|input|capabilities')], [0, true]);
  for (const cmd of ['serve', 'certs', 'check']) t.equal((await run([cmd, '--help'])).code, 0, `${cmd} --help`);
  const pkg: unknown = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : '';
  t.same(await run(['--version']), { code: 0, out: `imagegate ${version}`, err: '' });
});

t.test('the built CLI (dist/) answers --version and reads eval input from stdin', async (t) => {
  const main = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  const exec = promisify(execFile);
  const version = await exec(process.execPath, [main, '--version']);
  t.match(version.stdout, /^imagegate \d+\.\d+\.\d+\n$/);
  const child = execFile(process.execPath, [main, 'policy', 'eval', '-I', '-f', 'raw', 'count(input.images)'], {
    cwd: repoRoot,
  });
  child.stdin?.end('{"images": [1, 2, 3]}');
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${String(code)}`))));
  });
  t.equal(out, '3\n');
});
