/** time.* through the aliases the module calls: nanosecond timestamps as Rego value text stay exact. */
import t from 'tap';
import { rawHostBuiltins } from '../../../src/rego/builtins/index.js';
import { HOST_ALIASES, HOST_TEXT_ARGS } from '../../../src/rego/catalogue/index.js';

const host = rawHostBuiltins();
function alias(name: string): (...args: unknown[]) => unknown {
  const f = host[HOST_ALIASES[name] ?? ''];
  if (f === undefined) throw new Error(`no alias for ${name}`);
  return f;
}

// 2022-12-02T18:40:53.141828752Z: far beyond 2^53 ns, where a double is off by ~100 ns.
const NS = '1670006453141828752';

t.test('every nanosecond argument of time.* goes as text', async (t) => {
  for (const name of ['time.date', 'time.clock', 'time.weekday', 'time.add_date', 'time.diff', 'time.format']) {
    t.ok((HOST_TEXT_ARGS[name] ?? []).includes(0), name);
  }
});

t.test('time.format keeps every nanosecond', async (t) => {
  t.equal(alias('time.format')(NS), '2022-12-02T18:40:53.141828752Z');
  t.equal(alias('time.format')(`[${NS}, "Asia/Kolkata"]`), '2022-12-03T00:10:53.141828752+05:30');
  t.equal(alias('time.format')(`[${NS}, "Asia/Kolkata", "RFC1123Z"]`), 'Sat, 03 Dec 2022 00:10:53 +0530');
  t.equal(
    host['time.format']?.(Number(NS)),
    '2022-12-02T18:40:53.141828864Z',
    'the plain JSON path can only see the double',
  );
  t.equal(alias('time.format')('9223372036854775808'), undefined, 'beyond int64 nanoseconds');
  t.equal(alias('time.format')('"2022"'), undefined, 'a string is not a time');
});

t.test('time.add_date, time.date, time.clock, time.weekday, time.diff on exact instants', async (t) => {
  t.equal(alias('time.add_date')(NS, 1, 0, 0), 1701542453141828752n);
  t.same(alias('time.date')(`[${NS}, "Asia/Kolkata"]`), [2022, 12, 3]);
  t.same(alias('time.clock')('1670006453999999999'), [18, 40, 53], 'one ns before the next second');
  t.equal(alias('time.weekday')(NS), 'Friday');
  t.same(alias('time.diff')(NS, '1701542452999999999'), [0, 11, 30, 23, 59, 59], 'whole seconds, as OPA counts');
});
