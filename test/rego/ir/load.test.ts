/** The IR loader accepts OPA's JSON quirks and rejects malformed plans with IMAGEGATE_IR_INVALID. */
import t from 'tap';
import { isImagegateError } from '../../../src/errors/index.js';
import { loadIrPolicy, parseIrPolicy } from '../../../src/rego/ir/index.js';

const loc = { file: 0, row: 2, col: 3 };

function policy(stmts: unknown[], extra: Record<string, unknown> = {}): unknown {
  return {
    static: { strings: [{ value: 'x' }, { value: '42' }], files: [{ value: 'm.rego' }], ...extra },
    plans: { plans: [{ name: 'eval', blocks: [{ stmts }] }] },
    funcs: {
      funcs: [
        {
          name: 'g0.data.p',
          params: [0, 1],
          return: 2,
          path: ['g0', 'data', 'p'],
          blocks: [{ stmts: [{ type: 'ReturnLocalStmt', stmt: { source: 2, ...loc } }] }],
        },
      ],
    },
  };
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isImagegateError(err) ? err.code : `not an ImagegateError: ${String(err)}`;
  }
  return undefined;
}

t.test('accepts OPA quirks: Index, null args, missing builtin_funcs, null with path', async (t) => {
  const p = loadIrPolicy(
    policy([
      { type: 'MakeNumberRefStmt', stmt: { Index: 1, target: 3, ...loc } },
      { type: 'CallStmt', stmt: { func: 'g0.data.p', args: null, result: 4, ...loc } },
      {
        type: 'WithStmt',
        stmt: { local: 0, path: null, value: { type: 'bool', value: true }, block: { stmts: [] }, ...loc },
      },
      {
        type: 'CallDynamicStmt',
        stmt: { args: [0, 1], path: [{ type: 'string_index', value: 0 }], result: 5, ...loc },
      },
    ]),
  );
  const stmts = p.plans[0]?.blocks[0]?.stmts ?? [];
  t.same(
    stmts.map((s) => s.type),
    ['MakeNumberRefStmt', 'CallStmt', 'WithStmt', 'CallDynamicStmt'],
  );
  t.match(stmts[0], { index: 1, target: 3, row: 2, col: 3 });
  t.match(stmts[1], { args: [] });
  t.match(stmts[2], { path: [] });
  t.same(p.static.builtinFuncs, []);
  t.same(p.funcs[0]?.path, ['g0', 'data', 'p']);
});

t.test('builtin arity comes from decl.args', async (t) => {
  const p = loadIrPolicy(policy([], { builtin_funcs: [{ name: 'plus', decl: { args: [{}, {}], type: 'function' } }] }));
  t.same(
    p.static.builtinFuncs.map((b) => [b.name, b.arity]),
    [['plus', 2]],
  );
});

t.test('rejects malformed plans', async (t) => {
  const bad: [string, unknown][] = [
    ['unknown statement', policy([{ type: 'LessThanStmt', stmt: { ...loc } }])],
    [
      'string index out of range',
      policy([{ type: 'AssignVarStmt', stmt: { source: { type: 'string_index', value: 9 }, target: 1, ...loc } }]),
    ],
    ['negative local', policy([{ type: 'ResetLocalStmt', stmt: { target: -1, ...loc } }])],
    [
      'bad operand type',
      policy([{ type: 'AssignVarStmt', stmt: { source: { type: 'number', value: 1 }, target: 1, ...loc } }]),
    ],
    [
      'bool operand not boolean',
      policy([{ type: 'AssignVarStmt', stmt: { source: { type: 'bool', value: 1 }, target: 1, ...loc } }]),
    ],
    ['missing stmt body', policy([{ type: 'NopStmt' }])],
    ['not an object', 42],
  ];
  for (const [name, json] of bad)
    t.equal(
      code(() => loadIrPolicy(json)),
      'IMAGEGATE_IR_INVALID',
      name,
    );
  t.equal(
    code(() => parseIrPolicy('{')),
    'IMAGEGATE_IR_INVALID',
    'not JSON',
  );
});
