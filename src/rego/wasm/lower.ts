/**
 * Lowers IR function and plan bodies to binaryen expressions.
 *
 * Control flow: every IR block becomes a wasm `block` with its own label, pushed on a
 * label stack; "statement undefined" is `br` to the innermost label, BreakStmt{index}
 * is `br` to the label `index` levels out (BlockStmt itself adds no label). A ScanStmt
 * adds an exit block and a loop around its body block, but only the body block is an
 * IR level, so breaks never count the helper labels.
 *
 * Values are i32 addresses in the runtime's layout; 0 is undefined. IR local n of a
 * function with P wasm parameters lives in wasm local P + n; scratch locals follow.
 */
import binaryen from 'binaryen';
import { ImagegateError } from '../../errors/index.js';
import type { Block, Location, Operand, Stmt } from '../ir/index.js';
import type { ConstAddr, DataBuilder } from './layout.js';

/** How a CallStmt's `func` is reached. */
export type CallTarget =
  | { readonly kind: 'func'; readonly wasmName: string; readonly arity: number }
  | { readonly kind: 'native'; readonly wasmName: string; readonly arity: number }
  | {
      readonly kind: 'host';
      readonly id: number;
      readonly arity: number;
      /** Argument positions passed as their Rego value text (rt_value_text). */
      readonly textArgs: ReadonlySet<number>;
      /** The result arrives as an array and must become a set (rt_to_set). */
      readonly setResult: boolean;
      /** The result arrives as Rego value text in a string and must be parsed (rt_value_parse). */
      readonly textResult: boolean;
    };

/** A planned function CallDynamicStmt may select, by its rule path. */
export interface DynamicTarget {
  readonly path: readonly string[];
  readonly wasmName: string;
  readonly arity: number;
}

export interface LowerEnv {
  readonly m: binaryen.Module;
  readonly data: DataBuilder;
  /** Interned IR string i (value address, bytes, length). */
  readonly string: (index: number) => ConstAddr;
  /** Address of the string value naming file i (for runtime error messages). */
  readonly fileValue: (index: number) => number;
  /** Internal name of a runtime export (rt_* helpers). */
  readonly rt: (exportName: string) => string;
  readonly resolveCall: (name: string, argc: number, where: string) => CallTarget;
  readonly dynamicTargets: readonly DynamicTarget[];
}

/** Runtime error kinds understood by rt_error (runtime/abort.ts). */
const ERR_VAR_CONFLICT = 0;
const ERR_OBJECT_CONFLICT = 1;
const ERR_FUNCTION_CONFLICT = 2;

const T_ARRAY = 5;
const T_OBJECT = 6;
const T_SET = 7;

const { i32, none } = binaryen;

export interface BodyOptions {
  readonly env: LowerEnv;
  /** Number of wasm parameters (IR params for funcs; input, data, result set for plans). */
  readonly paramCount: number;
  readonly maxLocal: number;
  /** Memo slot for zero-argument rules, or undefined. */
  readonly memoSlot: number | undefined;
  /** Conflict message for AssignVarOnce (functions with arguments use OPA's function text). */
  readonly assignConflictKind: number;
  /** Wasm local holding the result set (plans only). */
  readonly resultSetLocal: number | undefined;
  readonly where: string;
}

export class BodyLowerer {
  private readonly m: binaryen.Module;
  private readonly labels: string[] = [];
  private labelCount = 0;
  private scratchCount = 0;

  constructor(private readonly o: BodyOptions) {
    this.m = o.env.m;
  }

  /** Var types for addFunction (every non-parameter local is i32). */
  vars(): binaryen.Type[] {
    return new Array<binaryen.Type>(this.o.maxLocal + 1 + this.scratchCount).fill(i32);
  }

  local(n: number): number {
    return this.o.paramCount + n;
  }

  private scratch(): number {
    return this.o.paramCount + this.o.maxLocal + 1 + this.scratchCount++;
  }

  private get(n: number): binaryen.ExpressionRef {
    return this.m.local.get(this.local(n), i32);
  }

  private set(n: number, v: binaryen.ExpressionRef): binaryen.ExpressionRef {
    return this.m.local.set(this.local(n), v);
  }

  private rt(
    name: string,
    args: readonly binaryen.ExpressionRef[],
    result: binaryen.Type = i32,
  ): binaryen.ExpressionRef {
    return this.m.call(this.o.env.rt(name), args, result);
  }

  private operand(op: Operand): binaryen.ExpressionRef {
    switch (op.type) {
      case 'local':
        return this.get(op.value);
      case 'bool':
        return this.m.i32.const(op.value ? this.o.env.data.trueAddr : this.o.env.data.falseAddr);
      case 'string_index':
        return this.m.i32.const(this.o.env.string(op.value).value);
      default: {
        const never: never = op;
        return never;
      }
    }
  }

  private newLabel(): string {
    return `L${this.labelCount++}`;
  }

  /** br to the label `index` IR levels out. */
  private breakTo(index: number, loc: Location, cond?: binaryen.ExpressionRef): binaryen.ExpressionRef {
    const label = this.labels[this.labels.length - 1 - index];
    if (label === undefined) {
      throw new ImagegateError(
        'IMAGEGATE_IR_INVALID',
        `invalid IR in ${this.o.where} at ${loc.row}:${loc.col}: break index ${index} leaves the function (depth ${this.labels.length}); regenerate the plan`,
      );
    }
    return this.m.br(label, cond);
  }

  private undefIf(cond: binaryen.ExpressionRef, loc: Location): binaryen.ExpressionRef {
    return this.breakTo(0, loc, cond);
  }

  /**
   * One IR block as a labelled wasm block. `onComplete` runs only when every statement
   * held (it is inside the block, so breaking out of the block skips it).
   */
  block(b: Block, onComplete?: binaryen.ExpressionRef): binaryen.ExpressionRef {
    const label = this.newLabel();
    this.labels.push(label);
    const body = b.stmts.map((s) => this.stmt(s));
    this.labels.pop();
    if (onComplete !== undefined) body.push(onComplete);
    return this.m.block(label, body, none);
  }

  /** Function prologue: copy parameters into their IR locals, consult the memo. */
  prologue(params: readonly number[]): binaryen.ExpressionRef[] {
    const out = params.map((p, i) => this.m.local.set(this.local(p), this.m.local.get(i, i32)));
    if (this.o.memoSlot !== undefined) {
      const hit = this.scratch();
      out.push(
        this.m.local.set(hit, this.rt('rt_memo_get', [this.m.i32.const(this.o.memoSlot)])),
        this.m.if(this.m.local.get(hit, i32), this.m.return(this.m.local.get(hit, i32))),
      );
    }
    return out;
  }

  private conflict(kind: number, s: Location): binaryen.ExpressionRef {
    return this.rt(
      'rt_error',
      [
        this.m.i32.const(this.o.env.fileValue(s.file)),
        this.m.i32.const(s.row),
        this.m.i32.const(s.col),
        this.m.i32.const(kind),
      ],
      none,
    );
  }

  private compare(a: Operand, b: Operand): binaryen.ExpressionRef {
    return this.rt('rt_compare', [this.operand(a), this.operand(b)]);
  }

  private typeIs(src: Operand, tag: number, s: Location): binaryen.ExpressionRef {
    if (src.type !== 'local') return this.undefIf(this.m.i32.const(1), s);
    return this.undefIf(this.m.i32.ne(this.rt('rt_type', [this.get(src.value)]), this.m.i32.const(tag)), s);
  }

  stmt(s: Stmt): binaryen.ExpressionRef {
    const m = this.m;
    switch (s.type) {
      case 'AssignVarStmt':
        return this.set(s.target, this.operand(s.source));
      case 'AssignVarOnceStmt':
        return m.if(
          m.i32.eqz(this.get(s.target)),
          this.set(s.target, this.operand(s.source)),
          m.if(
            m.i32.ne(this.compare({ type: 'local', value: s.target }, s.source), m.i32.const(0)),
            this.conflict(this.o.assignConflictKind, s),
          ),
        );
      case 'AssignIntStmt':
      case 'MakeNumberIntStmt':
        // A fresh number either way: AssignInt's in-place update is not needed.
        return this.set(s.target, this.number(s.value));
      case 'MakeNumberRefStmt': {
        const c = this.o.env.string(s.index);
        return this.set(s.target, this.rt('rt_number_ref', [m.i32.const(c.bytes), m.i32.const(c.length)]));
      }
      case 'MakeNullStmt':
        return this.set(s.target, m.i32.const(this.o.env.data.nullAddr));
      case 'MakeArrayStmt':
        return this.set(s.target, this.rt('rt_array', [m.i32.const(s.capacity)]));
      case 'MakeObjectStmt':
        return this.set(s.target, this.rt('rt_object', []));
      case 'MakeSetStmt':
        return this.set(s.target, this.rt('rt_set', []));
      case 'ArrayAppendStmt':
        return this.rt('rt_array_append', [this.get(s.array), this.operand(s.value)], none);
      case 'SetAddStmt':
        return this.rt('rt_set_add', [this.get(s.set), this.operand(s.value)], none);
      case 'ObjectInsertStmt':
        return this.rt('rt_object_insert', [this.get(s.object), this.operand(s.key), this.operand(s.value)], none);
      case 'ObjectInsertOnceStmt':
        return m.if(
          this.rt('rt_object_insert_once', [this.get(s.object), this.operand(s.key), this.operand(s.value)]),
          this.conflict(ERR_OBJECT_CONFLICT, s),
        );
      case 'ObjectMergeStmt':
        return this.set(s.target, this.rt('rt_merge', [this.get(s.a), this.get(s.b)]));
      case 'ResetLocalStmt':
        return this.set(s.target, m.i32.const(0));
      case 'IsDefinedStmt':
        return this.undefIf(m.i32.eqz(this.get(s.source)), s);
      case 'IsUndefinedStmt':
        return this.undefIf(this.get(s.source), s);
      case 'IsArrayStmt':
        return this.typeIs(s.source, T_ARRAY, s);
      case 'IsObjectStmt':
        return this.typeIs(s.source, T_OBJECT, s);
      case 'IsSetStmt':
        return this.typeIs(s.source, T_SET, s);
      case 'EqualStmt':
        return this.undefIf(m.i32.ne(this.compare(s.a, s.b), m.i32.const(0)), s);
      case 'NotEqualStmt':
        return this.undefIf(m.i32.eqz(this.compare(s.a, s.b)), s);
      case 'LenStmt':
        return this.set(s.target, this.rt('rt_len', [this.operand(s.source)]));
      case 'DotStmt':
        if (s.source.type !== 'local') return this.undefIf(m.i32.const(1), s);
        return m.block(
          null,
          [
            this.set(s.target, this.rt('rt_get', [this.get(s.source.value), this.operand(s.key)])),
            this.undefIf(m.i32.eqz(this.get(s.target)), s),
          ],
          none,
        );
      case 'BreakStmt':
        return this.breakTo(s.index, s);
      case 'BlockStmt':
        return m.block(
          null,
          s.blocks.map((b) => this.block(b)),
          none,
        );
      case 'NotStmt':
        // The negated block completing makes the NotStmt undefined.
        return this.block(s.block, this.undefIf(m.i32.const(1), s));
      case 'ScanStmt':
        return this.scan(s.source, s.key, s.value, s.block);
      case 'WithStmt':
        return this.with(s.local, s.path, s.value, s.block, s);
      case 'CallStmt':
        return this.call(s.func, s.args, s.result, s);
      case 'CallDynamicStmt':
        return this.callDynamic(s.args, s.path, s.result, s);
      case 'ResultSetAddStmt': {
        const rs = this.o.resultSetLocal;
        if (rs === undefined) {
          throw new ImagegateError(
            'IMAGEGATE_IR_INVALID',
            `invalid IR in ${this.o.where} at ${s.row}:${s.col}: ResultSetAddStmt outside a plan; regenerate the plan`,
          );
        }
        return this.rt('rt_result_add', [m.local.get(rs, i32), this.get(s.value)], none);
      }
      case 'ReturnLocalStmt':
        return this.ret(this.get(s.source));
      case 'NopStmt':
        return m.nop();
      default: {
        const never: never = s;
        return never;
      }
    }
  }

  /** A fresh number value for a safe integer: i32 fast path, else its decimal text. */
  private number(v: number): binaryen.ExpressionRef {
    if (v >= -(2 ** 31) && v < 2 ** 31) return this.rt('rt_number_int', [this.m.i32.const(v)]);
    const c = this.o.env.data.string(String(v));
    return this.rt('rt_number_ref', [this.m.i32.const(c.bytes), this.m.i32.const(c.length)]);
  }

  /** Return (storing zero-argument rule results in the memo first). */
  ret(value: binaryen.ExpressionRef): binaryen.ExpressionRef {
    if (this.o.memoSlot === undefined) return this.m.return(value);
    const v = this.scratch();
    return this.m.block(
      null,
      [
        this.m.local.set(v, value),
        this.rt('rt_memo_set', [this.m.i32.const(this.o.memoSlot), this.m.local.get(v, i32)], none),
        this.m.return(this.m.local.get(v, i32)),
      ],
      none,
    );
  }

  private scan(source: number, key: number, value: number, body: Block): binaryen.ExpressionRef {
    const m = this.m;
    const src = this.scratch();
    const pos = this.scratch();
    const exit = this.newLabel();
    const loop = this.newLabel();
    return m.block(
      null,
      [
        m.local.set(src, this.get(source)),
        m.local.set(pos, m.i32.const(0)),
        m.block(
          exit,
          [
            m.loop(
              loop,
              m.block(
                null,
                [
                  m.br(exit, m.i32.ge_u(m.local.get(pos, i32), this.rt('rt_iter_len', [m.local.get(src, i32)]))),
                  this.set(key, this.rt('rt_iter_key', [m.local.get(src, i32), m.local.get(pos, i32)])),
                  this.set(value, this.rt('rt_iter_val', [m.local.get(src, i32), m.local.get(pos, i32)])),
                  m.local.set(pos, m.i32.add(m.local.get(pos, i32), m.i32.const(1))),
                  this.block(body),
                  m.br(loop),
                ],
                none,
              ),
            ),
          ],
          none,
        ),
      ],
      none,
    );
  }

  private with(
    target: number,
    path: readonly number[],
    value: Operand,
    body: Block,
    s: Location,
  ): binaryen.ExpressionRef {
    const m = this.m;
    const saved = this.scratch();
    const undef = this.scratch();
    let replacement = this.operand(value);
    if (path.length > 0) {
      const arr = this.scratch();
      const build: binaryen.ExpressionRef[] = [m.local.set(arr, this.rt('rt_array', [m.i32.const(path.length)]))];
      for (const p of path) {
        build.push(this.rt('rt_array_append', [m.local.get(arr, i32), m.i32.const(this.o.env.string(p).value)], none));
      }
      replacement = m.block(
        null,
        [...build, this.rt('rt_upsert', [this.get(target), m.local.get(arr, i32), this.operand(value)])],
        i32,
      );
    }
    const inner = this.block(body, m.local.set(undef, m.i32.const(0)));
    return m.block(
      null,
      [
        m.local.set(saved, this.get(target)),
        this.set(target, replacement),
        this.rt('rt_memo_push', [], none),
        m.local.set(undef, m.i32.const(1)),
        inner,
        this.set(target, m.local.get(saved, i32)),
        this.rt('rt_memo_pop', [], none),
        this.undefIf(m.local.get(undef, i32), s),
      ],
      none,
    );
  }

  private call(name: string, args: readonly Operand[], result: number, s: Location): binaryen.ExpressionRef {
    const m = this.m;
    const where = `${this.o.where} at ${s.row}:${s.col}`;
    const t = this.o.env.resolveCall(name, args.length, where);
    const ops = args.map((a) => this.operand(a));
    let call: binaryen.ExpressionRef;
    switch (t.kind) {
      case 'func':
      case 'native':
        call = m.call(t.wasmName, ops, i32);
        break;
      case 'host': {
        const wire = ops.map((op, i) => (t.textArgs.has(i) ? this.rt('rt_value_text', [op]) : op));
        call = m.call(`opa_builtin${t.arity}`, [m.i32.const(t.id), m.i32.const(0), ...wire], i32);
        if (t.textResult) call = this.rt('rt_value_parse', [call]);
        else if (t.setResult) call = this.rt('rt_to_set', [call]);
        break;
      }
      default: {
        const never: never = t;
        return never;
      }
    }
    return m.block(null, [this.set(result, call), this.undefIf(m.i32.eqz(this.get(result)), s)], none);
  }

  /**
   * CallDynamicStmt: pick the planned function whose rule path equals the runtime
   * path values. No match: break 0 (to the planner's fallback block). Undefined
   * result: break 3, out of the construct the planner wraps around it.
   */
  private callDynamic(
    args: readonly number[],
    path: readonly Operand[],
    result: number,
    s: Location,
  ): binaryen.ExpressionRef {
    const m = this.m;
    const found = this.newLabel();
    const arms: binaryen.ExpressionRef[] = [];
    for (const t of this.o.env.dynamicTargets) {
      if (t.path.length !== path.length || t.arity !== args.length) continue;
      const conds = path.map((op, i) => {
        const want = this.o.env.data.string(t.path[i] ?? '').value;
        return m.i32.eqz(this.rt('rt_compare', [this.operand(op), m.i32.const(want)]));
      });
      const cond = conds.reduce((acc, c) => m.i32.and(acc, c), m.i32.const(1));
      arms.push(
        m.if(
          cond,
          m.block(
            null,
            [
              this.set(
                result,
                m.call(
                  t.wasmName,
                  args.map((a) => this.get(a)),
                  i32,
                ),
              ),
              m.br(found),
            ],
            none,
          ),
        ),
      );
    }
    return m.block(
      null,
      [
        m.block(found, [...arms, this.undefIf(m.i32.const(1), s)], none),
        this.breakTo(3, s, m.i32.eqz(this.get(result))),
      ],
      none,
    );
  }
}

export { ERR_VAR_CONFLICT, ERR_FUNCTION_CONFLICT };
