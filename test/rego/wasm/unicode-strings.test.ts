/**
 * lower, upper, trim, trim_left, trim_right and trim_space with Unicode, against Go's
 * strings.ToLower/ToUpper (simple case mapping, Unicode 15.0), strings.Trim* (the cutset is a
 * set of runes) and strings.TrimSpace: the native runtime version (through a compiled module,
 * no host) and the host version must both give OPA's result.
 */
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { Operand, Stmt } from '../../../src/rego/ir/index.js';
import { rawHostBuiltins } from '../../../src/rego/builtins/index.js';
import { emitWasm, nativeBuiltins } from '../../../src/rego/wasm/index.js';
import { at, planPolicy } from './ir-builders.js';
import { importNames } from './raw-module.js';
import { isRecord } from '../../../src/guards/index.js';

const loc = (n: number): Operand => ({ type: 'local', value: n });
const str = (i: number): Operand => ({ type: 'string_index', value: i });
const host = rawHostBuiltins();

type Row = readonly [name: string, args: readonly string[], want: string];

const ROWS: readonly Row[] = [
  ['upper', ['straße'], 'STRAßE'],
  ['lower', ['İSTANBUL'], 'istanbul'],
  ['upper', ['ıi'], 'II'],
  ['lower', ['ΟΔΟΣ ΣΑΣ'], 'οδοσ σασ'],
  ['upper', ['ς'], 'Σ'],
  ['lower', ['ПРИВЕТ, Ёж'], 'привет, ёж'],
  ['upper', ['ёж'], 'ЁЖ'],
  ['upper', ['👍🏽ok🎉'], '👍🏽OK🎉'],
  ['lower', ['E\u0301COLE'], 'e\u0301cole'],
  ['upper', ['\u0345'], '\u0399'],
  ['upper', ['ᾳ ᾀ'], 'ᾼ ᾈ'],
  ['lower', ['ᾼ'], 'ᾳ'],
  ['lower', ['\u212a'], 'k'],
  ['upper', ['ſ'], 'S'],
  ['upper', ['ȿ'], '\u2c7e'],
  ['upper', ['ǅ'], 'Ǆ'],
  ['lower', ['ǅ'], 'ǆ'],
  ['upper', ['𐐨'], '𐐀'],
  ['lower', ['\u1e9e'], 'ß'],
  ['lower', ['\ua7cb'], '\ua7cb'],
  ['upper', ['ﬀ'], 'ﬀ'],
  ['lower', ['ABC'], 'abc'],
  ['trim', ['¡¡hola!!', '¡!'], 'hola'],
  ['trim', ['ééaéé', 'é'], 'a'],
  ['trim', ['éa', 'e\u0301'], 'éa'],
  ['trim', ['e\u0301ae\u0301', 'e\u0301'], 'a'],
  ['trim', ['é', 'Ã'], 'é'],
  ['trim', ['xx', ''], 'xx'],
  ['trim_left', ['🍕🍕x🍕', '🍕'], 'x🍕'],
  ['trim_right', ['🍕🍕x🍕', '🍕'], '🍕🍕x'],
  ['trim_right', ['aβγβ', 'γβ'], 'a'],
  ['trim_space', ['\u00a0\u2003 x\u3000'], 'x'],
  ['trim_space', ['\u0085x\u2028'], 'x'],
  ['trim_space', ['\ufeffx'], '\ufeffx'],
];

/** `name(args...)` through a compiled module (input.a, input.b as arguments), no host object. */
async function native(name: string, args: readonly string[]): Promise<unknown> {
  const keys = ['a', 'b'].slice(0, args.length);
  const stmts: Stmt[] = keys.map((_, i) => ({
    type: 'DotStmt',
    source: loc(0),
    key: str(i + 1),
    target: 10 + i,
    ...at,
  }));
  stmts.push({ type: 'CallStmt', func: name, args: keys.map((_, i) => loc(10 + i)), result: 20, ...at });
  const wasm = emitWasm({
    policy: planPolicy({ stmts, result: 20, strings: keys, builtins: [{ name, arity: args.length }] }),
    optimize: false,
  });
  if (importNames(wasm).some((n) => n.includes('opa_builtin'))) throw new Error(`${name} is not native`);
  const p = await loadPolicy(wasm);
  const rs: unknown = p.evaluate(Object.fromEntries(keys.map((k, i) => [k, args[i]])));
  const row: unknown = Array.isArray(rs) && rs.length === 1 ? rs[0] : undefined;
  return isRecord(row) ? row.x : undefined;
}

t.test('the runtime implements them natively', async (t) => {
  for (const n of ['lower', 'upper', 'trim', 'trim_left', 'trim_right', 'trim_space']) t.ok(nativeBuiltins().has(n), n);
});

t.test("native and host results equal Go's", async (t) => {
  for (const [name, args, want] of ROWS) {
    // Labels escape non-ASCII: U+0085 and U+2028 would break TAP's lines.
    const label = `${name}(${args.map((a) => JSON.stringify(a).replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`)).join(', ')})`;
    t.equal(await native(name, args), want, `native ${label}`);
    t.equal(host[name]?.(...args), want, `host ${label}`);
  }
});

t.test('native and host agree on every cased BMP letter block', async (t) => {
  // One string per 256 code points (no surrogates): a cheap full sweep of the shared table.
  let mismatches = 0;
  for (let base = 0; base < 0x10000; base += 0x100) {
    if (base >= 0xd800 && base < 0xe000) continue;
    const s = String.fromCodePoint(...Array.from({ length: 256 }, (_, i) => base + i));
    for (const name of ['lower', 'upper']) if ((await native(name, [s])) !== host[name]?.(s)) mismatches++;
  }
  t.equal(mismatches, 0);
});
