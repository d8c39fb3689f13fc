import type { Block, Func, IrPolicy, Operand, Stmt } from './types.js';

/**
 * A path into `input`: object keys by name, `null` for any key or index (an iteration, or a
 * lookup with a key computed at evaluation). `[]` is the whole input.
 */
export type InputPath = readonly (string | null)[];

/** Paths longer than this are cut here and read whole (bounds the analysis; always sound). */
const MAX_DEPTH = 16;
/** More distinct paths than this: the analysis gives up and reports the whole input (sound). */
const MAX_PATHS = 2_000;

/** Where a local's value may come from: input paths it may alias, keyed by their JSON. */
type Aliases = Map<string, InputPath>;

/**
 * The `input` paths an IR policy can read: every path whose value (at any depth) can influence
 * a result, plus the paths whose mere presence or type can. Two inputs that agree on these
 * paths (the same keys present along them, the same value at each) give the same result. The
 * analysis is a may-alias dataflow over locals, flow-insensitive inside a function and
 * context-insensitive across calls, iterated to a fixpoint:
 * - a `DotStmt` extends its source's paths by the key (a computed key gives `null`, any key);
 *   a `ScanStmt` gives its value local the source's paths plus `null`;
 * - assignments, `with input as x`, call arguments and function results carry paths along;
 * - any other use of an aliasing value (a built-in call such as `walk(input)` or `count`, a
 *   comparison, a key, a value put into a collection or a result, `with input.p as x`'s `x`)
 *   reads it whole, and so does a path that was only dotted into (its presence gates a rule).
 * Anything the analysis cannot follow reads more, never less: the whole input (`[[]]`) is the
 * worst case. The result is sorted and free of paths covered by a shorter one.
 */
export function inputPaths(policy: IrPolicy): InputPath[] {
  const analysis = new Analysis(policy);
  analysis.run();
  if (analysis.overflowed) return [[]];
  return minimalPaths(analysis.wholeReads, analysis.presence);
}

class Analysis {
  /** Per function (or plan) name: local → aliases. Plans are keyed `plan:<name>`. */
  private readonly locals = new Map<string, Map<number, Aliases>>();
  private readonly funcs = new Map<string, Func>();
  readonly wholeReads: Aliases = new Map();
  readonly presence: Aliases = new Map();
  overflowed = false;
  /** Bumped whenever a local, a read or a presence gains a path: the fixpoint is reached when a pass leaves it. */
  private version = 0;

  constructor(private readonly policy: IrPolicy) {
    for (const f of policy.funcs) this.funcs.set(f.name, f);
  }

  run(): void {
    for (const plan of this.policy.plans) this.add(`plan:${plan.name}`, 0, [[]]);
    for (;;) {
      const before = this.version;
      for (const plan of this.policy.plans) this.blocks(`plan:${plan.name}`, plan.blocks);
      for (const f of this.policy.funcs) this.blocks(f.name, f.blocks);
      if (this.wholeReads.size + this.presence.size > MAX_PATHS) this.overflowed = true;
      if (this.overflowed || this.version === before) return;
    }
  }

  private blocks(scope: string, blocks: readonly Block[]): void {
    for (const b of blocks) for (const s of b.stmts) this.stmt(scope, s);
  }

  private aliases(scope: string, l: number): readonly InputPath[] {
    return [...(this.locals.get(scope)?.get(l)?.values() ?? [])];
  }

  private operandAliases(scope: string, op: Operand): readonly InputPath[] {
    return op.type === 'local' ? this.aliases(scope, op.value) : [];
  }

  private add(scope: string, l: number, paths: readonly InputPath[]): void {
    if (paths.length === 0) return;
    let table = this.locals.get(scope);
    if (table === undefined) this.locals.set(scope, (table = new Map<number, Aliases>()));
    let set = table.get(l);
    if (set === undefined) table.set(l, (set = new Map<string, InputPath>()));
    for (const p of paths) {
      if (p.length > MAX_DEPTH) {
        this.record(this.wholeReads, [p.slice(0, MAX_DEPTH)]);
        continue;
      }
      const key = JSON.stringify(p);
      if (!set.has(key)) {
        set.set(key, p);
        this.version++;
      }
    }
  }

  private record(into: Aliases, paths: readonly InputPath[]): void {
    for (const p of paths) {
      const cut = p.slice(0, MAX_DEPTH);
      const key = JSON.stringify(cut);
      if (!into.has(key)) {
        into.set(key, cut);
        this.version++;
      }
    }
  }

  private readWhole(scope: string, ...ops: readonly Operand[]): void {
    for (const op of ops) this.record(this.wholeReads, this.operandAliases(scope, op));
  }

  private stmt(scope: string, s: Stmt): void {
    const local = (value: number): Operand => ({ type: 'local', value });
    switch (s.type) {
      case 'DotStmt': {
        const seg = s.key.type === 'string_index' ? (this.policy.static.strings[s.key.value] ?? null) : null;
        const paths = this.operandAliases(scope, s.source).map((p) => [...p, seg]);
        this.readWhole(scope, s.key);
        this.record(this.presence, paths);
        return this.add(scope, s.target, paths);
      }
      case 'ScanStmt': {
        const paths = this.aliases(scope, s.source).map((p) => [...p, null]);
        this.record(this.presence, paths);
        this.add(scope, s.value, paths);
        return this.blocks(scope, [s.block]);
      }
      case 'AssignVarStmt':
        return this.add(scope, s.target, this.operandAliases(scope, s.source));
      case 'AssignVarOnceStmt':
        // Compared with the target's earlier value (a conflict is an error): read whole.
        return this.readWhole(scope, s.source);
      case 'CallStmt':
        return this.call(scope, s.func, s.args, s.result);
      case 'CallDynamicStmt':
        this.readWhole(scope, ...s.path);
        for (const f of this.policy.funcs)
          if (f.params.length === s.args.length) this.flowInto(scope, f, s.args.map(local), s.result);
        return;
      case 'WithStmt':
        if (s.path.length === 0) this.add(scope, s.local, this.operandAliases(scope, s.value));
        else this.readWhole(scope, s.value);
        return this.blocks(scope, [s.block]);
      case 'IsDefinedStmt':
      case 'IsUndefinedStmt':
        return this.record(this.presence, this.aliases(scope, s.source));
      case 'IsArrayStmt':
      case 'IsObjectStmt':
      case 'IsSetStmt':
        return this.record(this.presence, this.operandAliases(scope, s.source));
      case 'EqualStmt':
      case 'NotEqualStmt':
        return this.readWhole(scope, s.a, s.b);
      case 'LenStmt':
        return this.readWhole(scope, s.source);
      case 'ArrayAppendStmt':
      case 'SetAddStmt':
        return this.readWhole(scope, s.value);
      case 'ObjectInsertStmt':
      case 'ObjectInsertOnceStmt':
        return this.readWhole(scope, s.key, s.value);
      case 'ObjectMergeStmt':
        return this.readWhole(scope, local(s.a), local(s.b));
      case 'ResultSetAddStmt':
        return this.readWhole(scope, local(s.value));
      case 'ReturnLocalStmt':
        // The function's result is its `return` local, followed through flowInto.
        return;
      case 'BlockStmt':
        return this.blocks(scope, s.blocks);
      case 'NotStmt':
        return this.blocks(scope, [s.block]);
      case 'AssignIntStmt':
      case 'BreakStmt':
      case 'MakeArrayStmt':
      case 'MakeNullStmt':
      case 'MakeNumberIntStmt':
      case 'MakeNumberRefStmt':
      case 'MakeObjectStmt':
      case 'MakeSetStmt':
      case 'NopStmt':
      case 'ResetLocalStmt':
        return;
      default: {
        const never: never = s;
        return never;
      }
    }
  }

  /** A planned function's arguments alias its parameters, its result the caller's result local. */
  private call(scope: string, name: string, args: readonly Operand[], result: number): void {
    const f = this.funcs.get(name);
    // A built-in (walk, count, object.get, …): its arguments are read whole.
    if (f === undefined) return this.readWhole(scope, ...args);
    this.flowInto(scope, f, args, result);
  }

  private flowInto(scope: string, f: Func, args: readonly Operand[], result: number): void {
    args.forEach((a, i) => {
      const param = f.params[i];
      if (param === undefined) this.readWhole(scope, a);
      else this.add(f.name, param, this.operandAliases(scope, a));
    });
    this.add(scope, result, this.aliases(f.name, f.return));
  }
}

/**
 * Paths read whole, plus presence-only paths that no other recorded path passes through (read
 * whole too: their presence gates a result, and a whole read keeps it), without any path that
 * a shorter one covers (a `null` segment covers every key).
 */
function minimalPaths(whole: Aliases, presence: Aliases): InputPath[] {
  const everything = [...whole.values(), ...presence.values()];
  const chosen = new Map(whole);
  for (const [key, p] of presence) if (!everything.some((q) => q.length > p.length && covers(q, p))) chosen.set(key, p);
  const paths = [...chosen.values()];
  return paths.filter((p) => !paths.some((q) => q !== p && q.length <= p.length && covers(q, p))).sort(compare);
}

/** Every value at path `b` lies under `a`'s first `b.length` segments (`null` in `a` matching any segment). */
function covers(a: InputPath, b: InputPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== null && a[i] !== b[i]) return false;
  return true;
}

function compare(a: InputPath, b: InputPath): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
