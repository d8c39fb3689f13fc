/** planPolicy: a compiled Program → an OPA IR policy with one plan per entrypoint. */
import type { Func, IrPolicy, Plan } from '../ir/index.js';
import type { CTerm, Program } from '../compile/index.js';
import { Emitter, local } from './builder.js';
import { BodyPlanner } from './body.js';
import { planFunc } from './rules.js';
import { PolicyState, type Generation } from './state.js';
import { planError } from './terms.js';
import { buildTrie } from './trie.js';

/**
 * An entrypoint: `{ path: 'pkg/rule' }` plans `data.pkg.rule` and returns `[{"result": v}]`
 * (as `opa build -e`); `{ query: true }` plans the program's query and returns one row of
 * bindings of its named variables per solution (as `opa eval`).
 */
export type Entrypoint =
  { readonly kind: 'path'; readonly path: string } | { readonly kind: 'query'; readonly name?: string };

export interface PlanOptions {
  readonly program: Program;
  readonly entrypoints: readonly Entrypoint[];
}

const GEN0: Generation = { id: 0, shadowed: [], mocks: new Map(), captured: [] };

export function planPolicy(options: PlanOptions): IrPolicy {
  const policy = new PolicyState(buildTrie(options.program));
  const plans = options.entrypoints.map((ep) => planEntry(policy, options.program, ep));
  const funcs: Func[] = [];
  for (let p = policy.pending.shift(); p !== undefined; p = policy.pending.shift()) {
    const f = planFunc(policy, p);
    policy.funcs.set(f.name, f);
    funcs.push(f);
  }
  const builtinFuncs = [...policy.statics.builtins.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return { static: { strings: policy.statics.strings, builtinFuncs, files: policy.statics.files }, plans, funcs };
}

function planEntry(policy: PolicyState, program: Program, ep: Entrypoint): Plan {
  const e = new Emitter(policy.statics, 2);
  const planner = new BodyPlanner(policy, e, GEN0, ep.kind === 'query');
  if (ep.kind === 'path') {
    const segments = ep.path.split('/').filter((s) => s !== '');
    const loc = { file: '<query>', row: 1, col: 1 };
    const ref: CTerm = { type: 'dataRef', path: segments.map((s): CTerm => ({ type: 'string', value: s, loc })), loc };
    const block = e.block(() => {
      e.at(loc);
      planner.term(ref, (v) => {
        const row = e.local();
        e.emit({ type: 'MakeObjectStmt', target: row });
        e.emit({ type: 'ObjectInsertStmt', key: e.str('result'), value: v, object: row });
        e.emit({ type: 'ResultSetAddStmt', value: row });
      });
    });
    return { name: ep.path, blocks: [block] };
  }
  const query = program.query;
  if (query === null) throw planError('a query entrypoint needs a compiled query');
  const block = e.block(() =>
    planner.body(query.body, () => {
      const row = e.local();
      e.emit({ type: 'MakeObjectStmt', target: row });
      for (const v of query.vars) {
        const l = planner.vars.get(v.name);
        if (l !== undefined) e.emit({ type: 'ObjectInsertStmt', key: e.str(v.display), value: local(l), object: row });
      }
      e.emit({ type: 'ResultSetAddStmt', value: row });
    }),
  );
  return { name: ep.name ?? 'eval', blocks: [block] };
}
