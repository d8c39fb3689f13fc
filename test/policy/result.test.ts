import t from 'tap';
import { verdictFromResult } from '../../src/policy/internal.js';

const ep = 'imagegate/decision';

t.test('violations deny, none allow, warnings carried', async (t) => {
  t.same(verdictFromResult({ resultSet: [{ result: { violations: [], warnings: ['w'] } }], entrypoint: ep }), {
    kind: 'allow',
    warnings: ['w'],
  });
  t.same(verdictFromResult({ resultSet: [{ result: {} }], entrypoint: ep }), { kind: 'allow', warnings: [] });
  const v = verdictFromResult({
    resultSet: [{ result: { violations: [{ container: 'app', image: 'x', rule: 'r', message: 'm' }] } }],
    entrypoint: ep,
  });
  t.same(v, {
    kind: 'deny',
    violations: [{ container: 'app', image: 'x', rule: 'r', message: 'm', fix: '' }],
    warnings: [],
  });
});

t.test('a violation may name its image site by pointer', async (t) => {
  const pointer = '/spec/containers/1/image';
  t.same(
    verdictFromResult({
      resultSet: [{ result: { violations: [{ container: 'app', image: 'x', rule: 'r', message: 'm', pointer }] } }],
      entrypoint: ep,
    }),
    {
      kind: 'deny',
      violations: [{ container: 'app', image: 'x', rule: 'r', message: 'm', fix: '', pointer }],
      warnings: [],
    },
  );
});

t.test('undefined or misshapen decisions are undecided, never allowed', async (t) => {
  const cases: [unknown, RegExp][] = [
    [[], /undefined for this input/],
    [undefined, /no result set/],
    [[{ result: true }], /must be an object/],
    [[{ result: { violations: 'nope' } }], /violations must be an array/],
    [[{ result: { violations: [{ rule: 'r' }] } }], /message must be a string/],
    [[{ result: { warnings: [1] } }], /warnings\[0\] must be a string/],
    [[{ result: { violations: [{ rule: 'r', message: 'm', pointer: 3 }] } }], /pointer must be a string/],
  ];
  for (const [resultSet, message] of cases) {
    t.match(
      verdictFromResult({ resultSet, entrypoint: ep }),
      { kind: 'undecided', error: { code: 'IMAGEGATE_POLICY_RESULT_INVALID', message } },
      String(message),
    );
  }
});
