/**
 * IR functions for rule-trie nodes: complete rules (with else chains and defaults), partial
 * sets, partial objects and ref heads, and functions with arguments. Layout as OPA's planner:
 * params 0 = input, 1 = data, 3… = arguments; local 2 = the return value.
 */
import type { Block, Func, Operand } from '../ir/index.js';
import type { CRule } from '../compile/index.js';
import { Emitter, local } from './builder.js';
import { BodyPlanner } from './body.js';
import type { PendingFunc, PolicyState } from './state.js';
import type { K } from './terms.js';

const RET = 2;

export function planFunc(policy: PolicyState, p: PendingFunc): Func {
  const rules = p.node.rules;
  const arity = rules[0]?.args?.length ?? 0;
  const extra = p.gen.captured.length;
  const params = [0, 1, ...Array.from({ length: arity + extra }, (_, i) => 3 + i)];
  const e = new Emitter(policy.statics, 3 + arity + extra);
  const planner = new BodyPlanner(policy, e, p.gen);
  p.gen.captured.forEach((name, i) => planner.vars.set(name, 3 + arity + i));
  const kind = rules[0]?.kind ?? 'complete';
  const blocks: Block[] = [];
  if (p.node.group) {
    blocks.push(e.block(() => e.emit({ type: 'MakeObjectStmt', target: RET })));
    // Deeper refs first, so a shallower rule overriding part of a deeper one's value conflicts.
    const depth = (r: CRule): number => r.path.length + r.keys.length;
    const sorted = rules
      .map((r, i) => ({ r, i }))
      .sort((a, b) => depth(b.r) - depth(a.r) || a.i - b.i)
      .map((x) => x.r);
    for (const r of sorted) blocks.push(e.block(() => contribute(planner, r, p.node.path.length)));
  } else if (kind === 'set') {
    blocks.push(e.block(() => e.emit({ type: 'MakeSetStmt', target: RET })));
    for (const r of rules) blocks.push(e.block(() => contribute(planner, r, p.node.path.length)));
  } else {
    for (const r of rules.filter((x) => !x.isDefault)) blocks.push(...definition(planner, r));
    const def = rules.find((x) => x.isDefault);
    if (def !== undefined) {
      blocks.push(
        e.block(() => {
          e.at(def.loc);
          e.emit({ type: 'IsUndefinedStmt', source: RET });
          withArgs(planner, def, () =>
            planner.term(def.value, (v) => e.emit({ type: 'AssignVarOnceStmt', source: v, target: RET })),
          );
        }),
      );
    }
  }
  blocks.push({ stmts: [{ type: 'ReturnLocalStmt', source: RET, file: 0, row: 0, col: 0 }] });
  return { name: p.name, params, return: RET, blocks, path: [`g${p.gen.id}`, 'data', ...p.node.path] };
}

/** Binds the function arguments (patterns) to params 3…. */
function withArgs(planner: BodyPlanner, r: CRule, k: K): void {
  const args = r.args ?? [];
  const step = (i: number): void => {
    const a = args[i];
    if (a === undefined) return k();
    planner.unifyOp(a, local(3 + i), () => step(i + 1));
  };
  step(0);
}

/** A complete rule or function definition, with its else chain. */
function definition(planner: BodyPlanner, r: CRule): Block[] {
  const e = planner.e;
  const lres = e.local();
  const members = [{ value: r.value, body: r.body, loc: r.loc }, ...r.else];
  const memberBlocks = members.map((m, i) =>
    e.block(() => {
      e.at(m.loc);
      e.emit(i === 0 ? { type: 'ResetLocalStmt', target: lres } : { type: 'IsUndefinedStmt', source: lres });
      withArgs(planner, r, () =>
        planner.body(m.body, () =>
          planner.term(m.value, (v) => {
            e.at(m.loc);
            e.emit({ type: 'AssignVarOnceStmt', source: v, target: lres });
          }),
        ),
      );
    }),
  );
  const publish = e.block(() => {
    e.at(r.loc);
    e.emit({ type: 'IsDefinedStmt', source: lres });
    e.emit({ type: 'AssignVarOnceStmt', source: local(lres), target: RET });
  });
  if (members.length === 1) return [...memberBlocks, publish];
  return [e.block(() => e.emit({ type: 'BlockStmt', blocks: [...memberBlocks, publish] }))];
}

/**
 * One partial set or object definition (or any rule of a ref-head group): the body, then
 * the insertion at the rule's path below the function's node (`base` segments).
 */
function contribute(planner: BodyPlanner, r: CRule, base: number): void {
  const e = planner.e;
  e.at(r.loc);
  planner.body(r.body, () => {
    e.at(r.loc);
    const fixed = r.path.slice(base).map((s) => e.str(s));
    planner.terms(r.keys, (keys) => {
      const path = [...fixed, ...keys];
      if (r.kind === 'set') {
        planner.term(r.element ?? r.value, (v) => {
          if (path.length === 0) e.emit({ type: 'SetAddStmt', value: v, set: RET });
          else
            insertPath(planner, RET, path, (leaf, key) => {
              const set = getOrMake(planner, leaf, key, 'MakeSetStmt');
              e.emit({ type: 'SetAddStmt', value: v, set });
              e.emit({ type: 'ObjectInsertStmt', key, value: local(set), object: leaf });
            });
        });
        return;
      }
      planner.term(r.value, (v) =>
        insertPath(planner, RET, path, (leaf, key) => {
          e.emit({ type: 'ObjectInsertOnceStmt', key, value: v, object: leaf });
        }),
      );
    });
  });
}

/** The object (or set) at `obj[key]`, created when absent. */
function getOrMake(planner: BodyPlanner, obj: number, key: Operand, make: 'MakeObjectStmt' | 'MakeSetStmt'): number {
  const e = planner.e;
  const next = e.local();
  const probe = e.block(() => {
    e.emit({ type: 'DotStmt', source: local(obj), key, target: next });
    e.emit({ type: 'BreakStmt', index: 1 });
  });
  const made = e.block(() => {
    e.emit({ type: 'BlockStmt', blocks: [probe] });
    e.emit({ type: make, target: next });
  });
  e.emit({ type: 'BlockStmt', blocks: [made] });
  return next;
}

/** Walks `keys` below `obj`, creating intermediate objects; `leaf` inserts at the last key. */
function insertPath(
  planner: BodyPlanner,
  obj: number,
  keys: readonly Operand[],
  leaf: (obj: number, key: Operand) => void,
): void {
  const e = planner.e;
  const [first, ...rest] = keys;
  if (first === undefined) return;
  if (rest.length === 0) return leaf(obj, first);
  const next = getOrMake(planner, obj, first, 'MakeObjectStmt');
  insertPath(planner, next, rest, leaf);
  e.emit({ type: 'ObjectInsertStmt', key: first, value: local(next), object: obj });
}
