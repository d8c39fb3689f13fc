/**
 * Validating loader for OPA's IR JSON (`ir.Policy`). Accepts OPA's quirks: missing
 * `builtin_funcs`, `null` args/blocks/path, `Index` (capital I) on MakeNumberRefStmt,
 * plain local numbers in CallDynamicStmt.args. Everything else is checked: unknown
 * statement types, wrong field types, and string/local indexes out of range are
 * rejected, so the emitter never sees a malformed plan (a hostile or corrupt plan file
 * cannot make it read outside the constant table).
 */
import { ImagegateError } from '../../errors/index.js';
import type { Block, BuiltinFunc, Func, IrPolicy, Location, Operand, Plan, Stmt } from './types.js';
import { isRecord, jsonTextOf } from '../../guards/index.js';

type Json = Readonly<Record<string, unknown>>;

/** Largest local number accepted; OPA's plans use at most a few hundred. */
const MAX_LOCAL = 1_000_000;

class Ctx {
  constructor(readonly strings: number) {}
}

function fail(where: string, expected: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : (jsonTextOf(got)?.slice(0, 80) ?? typeof got);
  throw new ImagegateError(
    'IMAGEGATE_IR_INVALID',
    `invalid IR at ${where}: expected ${expected}, got ${shown}; regenerate the plan with a matching planner`,
  );
}

function obj(x: unknown, where: string): Json {
  if (!isRecord(x)) fail(where, 'an object', x);
  return x;
}

function list(x: unknown, where: string, nullable = false): readonly unknown[] {
  if (nullable && (x === null || x === undefined)) return [];
  if (!Array.isArray(x)) fail(where, 'an array', x);
  return x;
}

function int(x: unknown, where: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max)
    fail(where, `an integer in [${min}, ${max}]`, x);
  return x;
}

function str(x: unknown, where: string): string {
  if (typeof x !== 'string') fail(where, 'a string', x);
  return x;
}

function local(x: unknown, where: string): number {
  return int(x, where, 0, MAX_LOCAL);
}

function stringIndex(ctx: Ctx, x: unknown, where: string): number {
  return int(x, where, 0, ctx.strings - 1);
}

function operand(ctx: Ctx, x: unknown, where: string): Operand {
  const o = obj(x, where);
  switch (o.type) {
    case 'local':
      return { type: 'local', value: local(o.value, `${where}.value`) };
    case 'bool':
      if (typeof o.value !== 'boolean') fail(`${where}.value`, 'a boolean', o.value);
      return { type: 'bool', value: o.value };
    case 'string_index':
      return { type: 'string_index', value: stringIndex(ctx, o.value, `${where}.value`) };
    default:
      return fail(`${where}.type`, '"local", "bool" or "string_index"', o.type);
  }
}

function location(s: Json, where: string): Location {
  return {
    file: int(s.file ?? 0, `${where}.file`),
    row: int(s.row ?? 0, `${where}.row`),
    col: int(s.col ?? 0, `${where}.col`),
  };
}

function block(ctx: Ctx, x: unknown, where: string): Block {
  const b = obj(x, where);
  return { stmts: list(b.stmts, `${where}.stmts`, true).map((s, i) => stmt(ctx, s, `${where}.stmts[${i}]`)) };
}

function blocks(ctx: Ctx, x: unknown, where: string): readonly Block[] {
  return list(x, where, true).map((b, i) => block(ctx, b, `${where}[${i}]`));
}

function stmt(ctx: Ctx, x: unknown, where: string): Stmt {
  const outer = obj(x, where);
  const type = str(outer.type, `${where}.type`);
  const w = `${where}.stmt`;
  const s = obj(outer.stmt, w);
  const loc = location(s, w);
  const op = (f: string): Operand => operand(ctx, s[f], `${w}.${f}`);
  const loc1 = (f: string): number => local(s[f], `${w}.${f}`);
  switch (type) {
    case 'ArrayAppendStmt':
      return { type, ...loc, value: op('value'), array: loc1('array') };
    case 'AssignIntStmt':
      return { type, ...loc, value: int(s.value, `${w}.value`, Number.MIN_SAFE_INTEGER), target: loc1('target') };
    case 'AssignVarOnceStmt':
      return { type, ...loc, source: op('source'), target: loc1('target') };
    case 'AssignVarStmt':
      return { type, ...loc, source: op('source'), target: loc1('target') };
    case 'BlockStmt':
      return { type, ...loc, blocks: blocks(ctx, s.blocks, `${w}.blocks`) };
    case 'BreakStmt':
      return { type, ...loc, index: int(s.index, `${w}.index`, 0, 100_000) };
    case 'CallDynamicStmt':
      return {
        type,
        ...loc,
        args: list(s.args, `${w}.args`, true).map((a, i) => local(a, `${w}.args[${i}]`)),
        path: list(s.path, `${w}.path`, true).map((a, i) => operand(ctx, a, `${w}.path[${i}]`)),
        result: loc1('result'),
      };
    case 'CallStmt':
      return {
        type,
        ...loc,
        func: str(s.func, `${w}.func`),
        args: list(s.args, `${w}.args`, true).map((a, i) => operand(ctx, a, `${w}.args[${i}]`)),
        result: loc1('result'),
      };
    case 'DotStmt':
      return { type, ...loc, source: op('source'), key: op('key'), target: loc1('target') };
    case 'EqualStmt':
      return { type, ...loc, a: op('a'), b: op('b') };
    case 'IsArrayStmt':
      return { type, ...loc, source: op('source') };
    case 'IsDefinedStmt':
      return { type, ...loc, source: loc1('source') };
    case 'IsObjectStmt':
      return { type, ...loc, source: op('source') };
    case 'IsSetStmt':
      return { type, ...loc, source: op('source') };
    case 'IsUndefinedStmt':
      return { type, ...loc, source: loc1('source') };
    case 'LenStmt':
      return { type, ...loc, source: op('source'), target: loc1('target') };
    case 'MakeArrayStmt':
      return { type, ...loc, capacity: int(s.capacity ?? 0, `${w}.capacity`, 0, 1 << 24), target: loc1('target') };
    case 'MakeNullStmt':
      return { type, ...loc, target: loc1('target') };
    case 'MakeNumberIntStmt':
      return { type, ...loc, value: int(s.value, `${w}.value`, Number.MIN_SAFE_INTEGER), target: loc1('target') };
    case 'MakeNumberRefStmt':
      return { type, ...loc, index: stringIndex(ctx, s.Index ?? s.index, `${w}.Index`), target: loc1('target') };
    case 'MakeObjectStmt':
      return { type, ...loc, target: loc1('target') };
    case 'MakeSetStmt':
      return { type, ...loc, target: loc1('target') };
    case 'NopStmt':
      return { type, ...loc };
    case 'NotEqualStmt':
      return { type, ...loc, a: op('a'), b: op('b') };
    case 'NotStmt':
      return { type, ...loc, block: block(ctx, s.block, `${w}.block`) };
    case 'ObjectInsertOnceStmt':
      return { type, ...loc, key: op('key'), value: op('value'), object: loc1('object') };
    case 'ObjectInsertStmt':
      return { type, ...loc, key: op('key'), value: op('value'), object: loc1('object') };
    case 'ObjectMergeStmt':
      return { type, ...loc, a: loc1('a'), b: loc1('b'), target: loc1('target') };
    case 'ResetLocalStmt':
      return { type, ...loc, target: loc1('target') };
    case 'ResultSetAddStmt':
      return { type, ...loc, value: loc1('value') };
    case 'ReturnLocalStmt':
      return { type, ...loc, source: loc1('source') };
    case 'ScanStmt':
      return {
        type,
        ...loc,
        source: loc1('source'),
        key: loc1('key'),
        value: loc1('value'),
        block: block(ctx, s.block, `${w}.block`),
      };
    case 'SetAddStmt':
      return { type, ...loc, value: op('value'), set: loc1('set') };
    case 'WithStmt':
      return {
        type,
        ...loc,
        local: loc1('local'),
        path: list(s.path, `${w}.path`, true).map((p, i) => stringIndex(ctx, p, `${w}.path[${i}]`)),
        value: op('value'),
        block: block(ctx, s.block, `${w}.block`),
      };
    default:
      return fail(`${where}.type`, 'a known IR statement type', type);
  }
}

function builtinFunc(x: unknown, where: string): BuiltinFunc {
  const b = obj(x, where);
  const decl = b.decl;
  const args = isRecord(decl) && Array.isArray(decl.args) ? decl.args.length : 0;
  return { name: str(b.name, `${where}.name`), arity: args, decl };
}

function plan(ctx: Ctx, x: unknown, where: string): Plan {
  const p = obj(x, where);
  return { name: str(p.name, `${where}.name`), blocks: blocks(ctx, p.blocks, `${where}.blocks`) };
}

function func(ctx: Ctx, x: unknown, where: string): Func {
  const f = obj(x, where);
  return {
    name: str(f.name, `${where}.name`),
    params: list(f.params, `${where}.params`, true).map((p, i) => local(p, `${where}.params[${i}]`)),
    return: local(f.return, `${where}.return`),
    blocks: blocks(ctx, f.blocks, `${where}.blocks`),
    path: list(f.path, `${where}.path`, true).map((p, i) => str(p, `${where}.path[${i}]`)),
  };
}

function values(x: unknown, where: string): readonly string[] {
  return list(x, where, true).map((e, i) => str(obj(e, `${where}[${i}]`).value, `${where}[${i}].value`));
}

/** Validates OPA IR JSON (already parsed) and returns the typed policy. */
export function loadIrPolicy(json: unknown): IrPolicy {
  const root = obj(json, 'policy');
  const st = obj(root.static ?? {}, 'policy.static');
  const strings = values(st.strings, 'policy.static.strings');
  const ctx = new Ctx(strings.length);
  const plansRoot = root.plans === undefined || root.plans === null ? {} : obj(root.plans, 'policy.plans');
  const funcsRoot = root.funcs === undefined || root.funcs === null ? {} : obj(root.funcs, 'policy.funcs');
  return {
    static: {
      strings,
      builtinFuncs: list(st.builtin_funcs, 'policy.static.builtin_funcs', true).map((b, i) =>
        builtinFunc(b, `policy.static.builtin_funcs[${i}]`),
      ),
      files: values(st.files, 'policy.static.files'),
    },
    plans: list(plansRoot.plans, 'policy.plans.plans', true).map((p, i) => plan(ctx, p, `policy.plans.plans[${i}]`)),
    funcs: list(funcsRoot.funcs, 'policy.funcs.funcs', true).map((f, i) => func(ctx, f, `policy.funcs.funcs[${i}]`)),
  };
}

/** Parses IR JSON text; see loadIrPolicy. */
export function parseIrPolicy(text: string): IrPolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_IR_INVALID',
      `invalid IR: not JSON (${String(err)}); pass the plan file OPA or imagegate wrote`,
      { cause: err },
    );
  }
  return loadIrPolicy(json);
}
