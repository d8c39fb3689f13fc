/** The frozen case tables match their derivation (on the Unicode version the derivation knows). */
import t from 'tap';
import { deriveCaseTable } from '../../../src/rego/builtins/unicase-derive.js';
import { LOWER_TABLE, UPPER_TABLE } from '../../../src/rego/builtins/unicase-table.js';

t.test('unicase-table.ts is what unicase-gen.ts writes', { skip: process.versions.unicode === '17.0' ? false : `derivation pinned to Unicode 17.0, Node has ${String(process.versions.unicode)}` }, async (t) => {
  t.same(UPPER_TABLE, deriveCaseTable(true), 'upper: rerun node --import tsx src/rego/builtins/unicase-gen.ts');
  t.same(LOWER_TABLE, deriveCaseTable(false), 'lower: rerun node --import tsx src/rego/builtins/unicase-gen.ts');
});

t.test('entries are sorted and do not overlap (binary search needs it)', async (t) => {
  for (const table of [UPPER_TABLE, LOWER_TABLE]) {
    let prevHi = -1;
    let ok = true;
    for (let i = 0; i < table.length; i += 4) {
      const lo = table[i] ?? 0;
      const hi = table[i + 1] ?? 0;
      if (lo <= prevHi || hi < lo) ok = false;
      prevHi = hi;
    }
    t.ok(ok);
  }
});
