/** Host built-ins reading Rego value text (the aliases of HOST_TEXT_ARGS). */
import t from 'tap';
import { formatValue, rawHostBuiltins } from '../../../src/rego/builtins/index.js';
import { HOST_ALIASES, HOST_TEXT_ARGS } from '../../../src/rego/catalogue/index.js';
import { parseRegoText } from '../../../src/rego/builtins/rego-text.js';
import { RegoSet } from '../../../src/rego/builtins/values.js';

const host = rawHostBuiltins();
function alias(name: string): (...args: unknown[]) => unknown {
  const f = host[HOST_ALIASES[name] ?? name];
  if (f === undefined) throw new Error(`no host built-in ${name}`);
  return f;
}

t.test('parseRegoText reads sets, big integers and numbers inside collections', async (t) => {
  t.same(parseRegoText('[1, {2, 3}, set(), {"a": 1}]'), [1, new RegoSet([2, 3]), new RegoSet([]), { a: 1 }]);
  t.equal(parseRegoText('123456789123456789123'), 123456789123456789123n);
  t.same(parseRegoText('{1: "a"}'), { 1: 'a' }, 'non-string key becomes its text');
  t.equal(parseRegoText('[1,'), undefined);
  t.equal(parseRegoText('{1, 2'), undefined);
  t.equal(parseRegoText('{1: 2, 3}'), undefined);
});

t.test('formatValue prints sets as OPA does', async (t) => {
  t.equal(formatValue([new RegoSet([]), new RegoSet([42, 'a'])]), '[set(), {42, "a"}]');
});

t.test('every text-argument built-in has an alias', async (t) => {
  for (const name of Object.keys(HOST_TEXT_ARGS)) t.type(host[HOST_ALIASES[name] ?? ''], 'function', name);
});

t.test('sprintf alias: exact big integers and sets from text', async (t) => {
  t.equal(alias('sprintf')('%d %v', '[1208925819614629174706175, {1, 2}]'), '1208925819614629174706175 {1, 2}');
  t.equal(alias('sprintf')('%v', '[2e308]'), '2e308');
  t.equal(alias('sprintf')('%v', [[1]]), '[1]', 'still takes the array itself');
});

t.test('template string alias tells set parts from arrays', async (t) => {
  t.equal(alias('internal.template_string')('["a ", {set()}, " ", {[1]}, " ", set()]'), 'a set() [1] <undefined>');
  t.equal(alias('internal.template_string')('[{1, 2}]'), undefined, 'more than one value is an error');
});

t.test('cidr_contains_matches alias keys set elements by value', async (t) => {
  t.same(alias('net.cidr_contains_matches')('{"1.1.1.0/24", "1.1.2.0/24"}', '{["1.1.2.1", "x"]}'), [
    ['1.1.2.0/24', ['1.1.2.1', 'x']],
  ]);
  t.same(alias('net.cidr_contains_matches')('"1.1.1.0/24"', '["1.1.1.1", "2.2.2.2"]'), [['1.1.1.0/24', 0]]);
});
