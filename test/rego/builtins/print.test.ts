import t from 'tap';
import { printLines, rawHostBuiltins } from '../../../src/rego/builtins/index.js';
import { RegoSet } from '../../../src/rego/builtins/values.js';

t.test('each argument set prints its value: strings raw, other values in Rego syntax, joined by a space', async (t) => {
  t.same(printLines([['hello'], [1], [2.5], [true], [null], [12345678901234567890n]]), [
    'hello 1 2.5 true null 12345678901234567890',
  ]);
  t.same(printLines([['a "quoted" word\n']]), ['a "quoted" word\n'], 'top-level strings are not quoted or escaped');
});

t.test('an empty argument set prints <undefined>', async (t) => {
  t.same(printLines([['x'], [], ['y']]), ['x <undefined> y']);
  t.same(printLines([]), [''], 'print() writes an empty line');
});

t.test('composites print in Rego syntax with quoted strings, sorted keys and sets as sets', async (t) => {
  t.same(printLines([[{ b: [1, 'two'], a: { c: null } }]]), ['{"a": {"c": null}, "b": [1, "two"]}']);
  t.same(printLines([[new RegoSet([1, 'a'])], [new RegoSet([])]]), ['{1, "a"} set()']);
  t.same(
    printLines([[[new RegoSet([[1], { k: new RegoSet(['v']) }])]]]),
    ['[{[1], {"k": {"v"}}}]'],
    'nested sets inside arrays and objects',
  );
});

t.test('an argument with several values prints one line per combination, as OPA does', async (t) => {
  t.same(printLines([new RegoSet([1, 2]), new RegoSet(['a', 'b'])]), ['1 a', '1 b', '2 a', '2 b']);
});

t.test('operands that are not an array of sets are rejected', async (t) => {
  t.equal(printLines('x'), undefined);
  t.equal(printLines([1]), undefined);
});

t.test('the host built-in reads its argument as Rego value text, writes to the sink and returns true', async (t) => {
  const lines: string[] = [];
  const host = rawHostBuiltins({ print: (l) => lines.push(l) });
  const f = host['imagegate.internal.print'];
  if (f === undefined) {
    t.fail('internal.print has no host alias');
    return;
  }
  t.equal(f('[{"n"}, {{1, 2}}, set()]'), true);
  t.same(lines, ['n {1, 2} <undefined>'], 'a set nested in the argument stays a set');
  const silent = rawHostBuiltins()['imagegate.internal.print'];
  t.equal(silent?.('[{"dropped"}]'), true, 'without a sink print still succeeds');
});
