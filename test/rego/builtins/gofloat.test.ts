import t from 'tap';
import { formatE, formatF, formatG } from '../../../src/rego/builtins/gofloat.js';

// Expected strings are what Go's fmt prints (strconv rounds the exact binary value, ties to even).
t.test('%f rounds the exact value, ties to even', async (t) => {
  const cases: [number, number, string][] = [
    [2.25, 1, '2.2'],
    [2.35, 1, '2.4'],
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [0.5, 0, '0'],
    [1.5, 0, '2'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [1.005, 2, '1.00'],
    [2.675, 2, '2.67'],
    [9.995, 2, '9.99'],
    [9.9951, 2, '10.00'],
    [0.004, 1, '0.0'],
    [0.05, 1, '0.1'],
    [0.0004, 2, '0.00'],
    [999.5, 0, '1000'],
    [123456789.125, 2, '123456789.12'],
    [1e21, 2, '1000000000000000000000.00'],
    [5e-324, 3, '0.000'],
    [0, 3, '0.000'],
    [3.14159, 4, '3.1416'],
    [1, 6, '1.000000'],
  ];
  for (const [x, prec, want] of cases) t.equal(formatF(x, prec), want, `%.${prec}f of ${x}`);
});

t.test('%e and %g round ties to even too', async (t) => {
  t.equal(formatE(2.25, 1), '2.2e+00');
  t.equal(formatE(2.35, 1), '2.4e+00');
  t.equal(formatE(125, 1), '1.2e+02');
  t.equal(formatE(9.5, 0), '1e+01');
  t.equal(formatE(1234.5678, 3), '1.235e+03');
  t.equal(formatG(2.25, 2), '2.2');
  t.equal(formatG(0.000125, 2), '0.00013', 'the double is just above the tie');
  t.equal(formatG(0.125, 2), '0.12');
  t.equal(formatG(0.375, 2), '0.38');
  t.equal(formatG(123456, 3), '1.23e+05');
});
