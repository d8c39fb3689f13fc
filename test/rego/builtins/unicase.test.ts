/** The frozen case tables: one derivation, written for the host and the runtime, in agreement. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { caseTableFiles } from '../../../src/rego/builtins/unicase-gen.js';
import { LOWER_TABLE, UPPER_TABLE } from '../../../src/rego/builtins/unicase-table.js';

const HOST_FILE = 'src/rego/builtins/unicase-table.ts';
const RUNTIME_FILE = 'src/rego/wasm/runtime/unicase-table.ts';

/** The numbers of `memory.data<i32>([...])` named `name`, and its declared entry count. */
function runtimeTable(text: string, name: string): { readonly values: number[]; readonly entries: number } {
  const body = new RegExp(`export const ${name}_TABLE: usize = memory\\.data<i32>\\(\\[([^\\]]*)\\]\\);`).exec(
    text,
  )?.[1];
  const entries = new RegExp(`export const ${name}_ENTRIES: u32 = (\\d+);`).exec(text)?.[1];
  if (body === undefined || entries === undefined)
    throw new Error(`${RUNTIME_FILE} has no ${name}_TABLE / ${name}_ENTRIES`);
  return {
    values: body
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(Number),
    entries: Number(entries),
  };
}

t.test('the committed host and runtime tables have the same entries', async (t) => {
  const text = readFileSync(RUNTIME_FILE, 'utf8');
  for (const [name, host] of [
    ['UPPER', UPPER_TABLE],
    ['LOWER', LOWER_TABLE],
  ] as const) {
    const runtime = runtimeTable(text, name);
    t.same(runtime.values, host, `${name}: rerun npm run gen:unicase`);
    t.equal(runtime.entries, host.length / 4, `${name}_ENTRIES counts the entries`);
  }
});

t.test(
  'both committed tables are what npm run gen:unicase writes',
  {
    skip:
      process.versions.unicode === '17.0'
        ? false
        : `derivation pinned to Unicode 17.0, Node has ${String(process.versions.unicode)}`,
  },
  async (t) => {
    const files = caseTableFiles();
    t.equal(readFileSync(HOST_FILE, 'utf8'), files.host, `${HOST_FILE}: rerun npm run gen:unicase`);
    t.equal(readFileSync(RUNTIME_FILE, 'utf8'), files.runtime, `${RUNTIME_FILE}: rerun npm run gen:unicase`);
  },
);

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
