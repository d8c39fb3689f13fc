/** Test helper: small hand-written IR policies. */
import type { Block, IrPolicy, Stmt } from '../../../src/rego/ir/index.js';

const at = { file: 0, row: 1, col: 1 };

/** Plan `eval` returning [{"x": input}] when input is defined. */
export function echoInputPolicy(): IrPolicy {
  const stmts: Stmt[] = [
    { type: 'IsDefinedStmt', source: 0, ...at },
    { type: 'MakeObjectStmt', target: 2, ...at },
    {
      type: 'ObjectInsertStmt',
      key: { type: 'string_index', value: 0 },
      value: { type: 'local', value: 0 },
      object: 2,
      ...at,
    },
    { type: 'ResultSetAddStmt', value: 2, ...at },
  ];
  return {
    static: { strings: ['x'], builtinFuncs: [], files: ['q.rego'] },
    plans: [{ name: 'test/echo', blocks: [{ stmts }] }],
    funcs: [],
  };
}

/** A plan whose single block is `stmts` followed by binding local `result` to "x". */
export function planPolicy(opts: {
  readonly stmts: readonly Stmt[];
  readonly result: number;
  readonly strings?: readonly string[];
  readonly builtins?: readonly { readonly name: string; readonly arity: number }[];
}): IrPolicy {
  const tail: Stmt[] = [
    { type: 'MakeObjectStmt', target: 99, ...at },
    {
      type: 'ObjectInsertStmt',
      key: { type: 'string_index', value: 0 },
      value: { type: 'local', value: opts.result },
      object: 99,
      ...at,
    },
    { type: 'ResultSetAddStmt', value: 99, ...at },
  ];
  const block: Block = { stmts: [...opts.stmts, ...tail] };
  return {
    static: {
      strings: ['x', ...(opts.strings ?? [])],
      builtinFuncs: (opts.builtins ?? []).map((b) => ({ name: b.name, arity: b.arity, decl: {} })),
      files: ['policy.rego'],
    },
    plans: [{ name: 'test/p', blocks: [block] }],
    funcs: [],
  };
}

export { at };
