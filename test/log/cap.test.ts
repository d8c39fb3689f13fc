import t from 'tap';
import { Writable } from 'node:stream';
import { capString, createLogger } from '../../src/log/index.js';
import { capLogValue, defaultLogCaps } from '../../src/log/internal.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

const MiB = 'x'.repeat(1024 * 1024);

t.test('capString cuts long strings, says how much, never splits a surrogate pair', async (t) => {
  t.equal(capString({ value: 'short', max: 10 }), 'short');
  t.equal(capString({ value: 'abcdefghij', max: 4 }), 'abcd…[+6 chars]');
  const cut = capString({ value: `abc${'😀'.repeat(3)}`, max: 4 });
  t.equal(cut, 'abc…[+6 chars]', 'the pair at the boundary is dropped whole');
  t.notOk(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut), 'no lone high surrogate');
});

t.test('capLogValue bounds strings, keys, arrays, depth and errors without touching its input', async (t) => {
  const input = {
    s: MiB,
    list: Array.from({ length: 1_000 }, (_, i) => i),
    wide: Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`k${i}`, i])),
    deep: { a: { b: { c: { d: { e: { f: 1 } } } } } },
    err: Object.assign(new Error(MiB), { code: 'IMAGEGATE_X' }),
    [MiB]: 'a huge key',
  };
  const out = JSON.stringify(capLogValue({ value: input }));
  t.ok(out.length < 20_000, `capped to ${out.length} chars from ~3 MB`);
  t.match(out, /…\[\+1047552 chars\]/);
  t.match(out, /…\[\+950 items\]/);
  t.match(out, /"…":"\+950 keys"/);
  t.match(out, /\[nested\]/);
  t.match(JSON.parse(out), {
    err: { type: 'Error', message: /^x+…\[\+\d+ chars\]$/, stack: /…\[\+\d+ chars\]$/, code: 'IMAGEGATE_X' },
  });
  t.equal(input.s.length, MiB.length, 'input unchanged');
  t.equal(input.list.length, 1_000);
});

t.test('every line of a createLogger logger is bounded, whatever a call site passes', async (t) => {
  const { lines, logger } = capture();
  logger.info({ event: 'x', name: MiB, nested: { namespace: MiB } }, MiB);
  logger.child({ reqId: 'r1' }).error({ err: new TypeError('outer', { cause: new Error(MiB) }) }, 'failed: %s', MiB);
  logger.warn(MiB);
  t.equal(lines.length, 3);
  for (const line of lines) t.ok(line.length < 8 * defaultLogCaps.maxStringLength, `line of ${line.length} chars`);
  t.match(JSON.parse(lines[0] ?? '{}'), { event: 'x', service: 'imagegate', msg: /^x{1024}…\[\+\d+ chars\]$/ });
  t.match(
    JSON.parse(lines[1] ?? '{}'),
    {
      reqId: 'r1',
      err: { type: 'TypeError', message: 'outer', cause: { type: 'Error', message: /…\[\+\d+ chars\]$/ } },
    },
    'errors keep their type; causes are capped too',
  );
});

t.test('capping keeps redaction working', async (t) => {
  const { lines, logger } = capture();
  logger.info({ registry: { password: 'hunter2', token: MiB } }, 'auth');
  t.notMatch(lines[0] ?? '', /hunter2/);
  t.match(lines[0] ?? '', /"password":"\[redacted\]"/);
});

t.test('credentials are censored at any depth and letter case, in errors, and in child bindings', async (t) => {
  const { lines, logger } = capture();
  const secret = 'sup3r-s3cret';
  logger.info(
    {
      event: 'registry.lookup',
      upstream: {
        request: { headers: { Authorization: `Basic ${secret}`, Cookie: secret, accept: 'application/json' } },
      },
      pullSecret: { auths: { 'registry.example.com': { auth: secret } } },
      tls: { KEY: secret },
      err: Object.assign(new Error('refused'), { token: secret }),
    },
    'looked up',
  );
  logger.child({ token: secret, Authorization: secret }).warn({ event: 'x' }, 'from a child');
  t.equal(lines.length, 2);
  for (const line of lines) t.notMatch(line, secret, 'no credential in any line');
  t.match(JSON.parse(lines[0] ?? '{}'), {
    upstream: {
      request: { headers: { Authorization: '[redacted]', Cookie: '[redacted]', accept: 'application/json' } },
    },
    pullSecret: { auths: { 'registry.example.com': { auth: '[redacted]' } } },
    tls: { KEY: '[redacted]' },
    err: { message: 'refused', token: '[redacted]' },
  });
  t.match(JSON.parse(lines[1] ?? '{}'), { token: '[redacted]', Authorization: '[redacted]', event: 'x' });
});
