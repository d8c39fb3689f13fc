/**
 * emitWasm: links OPA IR onto the precompiled runtime and returns a module that
 * follows OPA's wasm ABI 1.2 (see index.ts for the design).
 */
import binaryen from 'binaryen';
import { ImagegateError } from '../../errors/index.js';
import { isRecord } from '../../guards/index.js';
import type { Block, Func, IrPolicy, Plan, Stmt } from '../ir/index.js';
import { MAX_HOST_ARITY, nativeExportName } from './builtins.js';
import { hostCallShape, type EmitTarget } from './host-calls.js';
import { supportedBuiltin } from '../catalogue/index.js';
import { DataBuilder, type ConstAddr } from './layout.js';
import {
  BodyLowerer,
  ERR_FUNCTION_CONFLICT,
  ERR_VAR_CONFLICT,
  type CallTarget,
  type DynamicTarget,
  type LowerEnv,
} from './lower.js';
import { dataSegments, runtimeBytes } from './runtime-module.js';

export interface EmitOptions {
  readonly policy: IrPolicy;
  /** Run binaryen's optimiser (-O2). Default true; false only tree-shakes (faster, for tests). */
  readonly optimize?: boolean;
  /** The host the module is for (host-calls.ts). Default `imagegate`. */
  readonly target?: EmitTarget;
}

/** Exports the SDK (or another ABI host) may use; every other runtime export is dropped. */
const ABI_EXPORTS: ReadonlySet<string> = new Set([
  'opa_wasm_abi_version',
  'opa_wasm_abi_minor_version',
  'memory',
  'eval',
  'builtins',
  'entrypoints',
  'opa_eval_ctx_new',
  'opa_eval_ctx_set_input',
  'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result',
  'opa_malloc',
  'opa_free',
  'opa_json_parse',
  'opa_value_parse',
  'opa_json_dump',
  'opa_value_dump',
  'opa_heap_ptr_get',
  'opa_heap_ptr_set',
  'opa_value_add_path',
  'opa_value_remove_path',
  'opa_eval',
]);

/** Features the runtime (AssemblyScript defaults) uses; all supported by Node 20. */
const FEATURES: binaryen.Features =
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.SignExt;

const PAGE = 65536;
const { i32, none } = binaryen;

function params(n: number): binaryen.Type {
  return binaryen.createType(new Array<binaryen.Type>(n).fill(i32));
}

/** Highest local number mentioned anywhere in the blocks (at least `floor`). */
function maxLocal(blocks: readonly Block[], floor: number): number {
  let max = floor;
  const see = (n: number): void => {
    if (n > max) max = n;
  };
  const visit = (b: Block): void => {
    for (const s of b.stmts) visitStmt(s);
  };
  const visitStmt = (s: Stmt): void => {
    for (const [k, field] of Object.entries(s)) {
      const v: unknown = field;
      if (k === 'file' || k === 'row' || k === 'col' || k === 'index' || k === 'capacity') continue;
      if (k === 'value' && (s.type === 'AssignIntStmt' || s.type === 'MakeNumberIntStmt')) continue;
      if (k === 'path' && s.type === 'WithStmt') continue;
      if (typeof v === 'number') see(v);
      else if (Array.isArray(v)) {
        for (const e of v) if (typeof e === 'number' && s.type === 'CallDynamicStmt') see(e);
      }
      if (isRecord(v) && v.type === 'local' && typeof v.value === 'number') see(v.value);
    }
    switch (s.type) {
      case 'BlockStmt':
        s.blocks.forEach(visit);
        break;
      case 'ScanStmt':
      case 'NotStmt':
      case 'WithStmt':
        visit(s.block);
        break;
      case 'CallStmt':
        for (const a of s.args) if (a.type === 'local') see(a.value);
        break;
      case 'CallDynamicStmt':
        for (const a of s.path) if (a.type === 'local') see(a.value);
        break;
      default:
        break;
    }
  };
  blocks.forEach(visit);
  return max;
}

interface Linker {
  readonly m: binaryen.Module;
  readonly exports: ReadonlyMap<string, string>;
  readonly hostArities: Set<number>;
  readonly target: EmitTarget;
}

function readRuntime(): { m: binaryen.Module; exports: Map<string, string>; evalImport: string; memory: string } {
  const m = binaryen.readBinary(runtimeBytes());
  m.setFeatures(FEATURES);
  const exports = new Map<string, string>();
  for (let i = 0; i < m.getNumExports(); i++) {
    const e = binaryen.getExportInfo(m.getExportByIndex(i));
    exports.set(e.name, e.value);
  }
  let evalImport: string | undefined;
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const f = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (f.module === 'env' && f.base === 'policy_eval') evalImport = f.name;
  }
  const memory = exports.get('memory');
  if (evalImport === undefined || memory === undefined) {
    m.dispose();
    throw new ImagegateError(
      'IMAGEGATE_WASM_RUNTIME_INVALID',
      'runtime.wasm lacks the policy_eval import or the memory export; rebuild it with `npm run build:runtime`',
    );
  }
  return { m, exports, evalImport, memory };
}

function resolver(policy: IrPolicy, link: Linker, funcNames: ReadonlyMap<string, { wasmName: string; arity: number }>) {
  return (name: string, argc: number, where: string): CallTarget => {
    const f = funcNames.get(name);
    if (f !== undefined) return { kind: 'func', ...f };
    const native = nativeTarget(link, name, argc, where);
    if (native !== undefined) return native;
    const id = policy.static.builtinFuncs.findIndex((b) => b.name === name);
    const decl = policy.static.builtinFuncs[id];
    if (decl === undefined) {
      throw new ImagegateError(
        'IMAGEGATE_WASM_UNKNOWN_FUNCTION',
        `${where}: call to "${name}", which is neither a planned function nor a declared built-in; regenerate the plan`,
      );
    }
    if (argc > MAX_HOST_ARITY) {
      throw new ImagegateError(
        'IMAGEGATE_WASM_BUILTIN_ARITY',
        `${where}: built-in "${name}" takes ${argc} arguments but host built-ins take at most ${MAX_HOST_ARITY}; implement it natively in the runtime`,
      );
    }
    link.hostArities.add(argc);
    const shape = hostCallShape(name, decl.decl, link.target);
    return {
      kind: 'host',
      id,
      arity: argc,
      textArgs: shape.textArgs,
      setResult: shape.setResult,
      textResult: shape.textResult,
    };
  };
}

/**
 * The runtime export implementing built-in `name`, when it runs natively: when the catalogue
 * says so (a runtime without that export is a build error: the catalogue and runtime.wasm
 * disagree), or, for built-ins the catalogue does not list (IR from elsewhere), when the
 * runtime exports it.
 */
function nativeTarget(link: Linker, name: string, argc: number, where: string): CallTarget | undefined {
  const impl = supportedBuiltin(name)?.impl;
  if (impl === 'host') return undefined;
  const native = link.exports.get(nativeExportName(name));
  const arity =
    native === undefined
      ? undefined
      : binaryen.expandType(binaryen.getFunctionInfo(link.m.getFunction(native)).params).length;
  if (native !== undefined && arity === argc) return { kind: 'native', wasmName: native, arity };
  if (impl === undefined) return undefined;
  throw new ImagegateError(
    'IMAGEGATE_WASM_RUNTIME_INVALID',
    `${where}: built-in "${name}" is listed as ${impl} with ${argc} argument(s) but runtime.wasm exports ${native === undefined ? `no ${nativeExportName(name)}` : `${nativeExportName(name)} with ${arity ?? 0}`}; rebuild the runtime with \`npm run build:runtime\``,
  );
}

function lowerFunc(env: LowerEnv, f: Func, index: number): void {
  const isRule = f.params.length === 2;
  const low = new BodyLowerer({
    env,
    paramCount: f.params.length,
    maxLocal: maxLocal(f.blocks, Math.max(f.return, ...f.params)),
    memoSlot: isRule ? index : undefined,
    assignConflictKind: isRule ? ERR_VAR_CONFLICT : ERR_FUNCTION_CONFLICT,
    resultSetLocal: undefined,
    where: `function ${f.name}`,
  });
  const body = [...low.prologue(f.params), ...f.blocks.map((b) => low.block(b)), env.m.return(env.m.i32.const(0))];
  env.m.addFunction(`ig_f${index}`, params(f.params.length), i32, low.vars(), env.m.block(null, body, none));
}

function lowerPlan(env: LowerEnv, p: Plan, index: number): void {
  const low = new BodyLowerer({
    env,
    paramCount: 3,
    maxLocal: maxLocal(p.blocks, 1),
    memoSlot: undefined,
    assignConflictKind: ERR_VAR_CONFLICT,
    resultSetLocal: 2,
    where: `plan ${p.name}`,
  });
  const body = [...low.prologue([0, 1]), ...p.blocks.map((b) => low.block(b))];
  env.m.addFunction(`ig_p${index}`, params(3), none, low.vars(), env.m.block(null, body, none));
}

/** policy_eval(entrypoint, input, data) -> result set, replacing the runtime's import. */
function addDispatch(env: LowerEnv, name: string, plans: number, funcs: number): void {
  const m = env.m;
  const done = 'done';
  const arms = Array.from({ length: plans }, (_, i) =>
    m.if(
      m.i32.eq(m.local.get(0, i32), m.i32.const(i)),
      m.block(
        null,
        [m.call(`ig_p${i}`, [m.local.get(1, i32), m.local.get(2, i32), m.local.get(3, i32)], none), m.br(done)],
        none,
      ),
    ),
  );
  m.removeFunction(name);
  m.addFunction(
    name,
    params(3),
    i32,
    [i32],
    m.block(
      null,
      [
        m.call(env.rt('rt_memo_init'), [m.i32.const(funcs)], none),
        m.local.set(3, m.call(env.rt('rt_array'), [m.i32.const(1)], i32)),
        m.block(
          done,
          [...arms, m.call(env.rt('rt_error'), [m.i32.const(0), m.i32.const(0), m.i32.const(0), m.i32.const(3)], none)],
          none,
        ),
        m.return(m.local.get(3, i32)),
      ],
      none,
    ),
  );
}

/** An exported function returning the JSON constant `json` parsed into a value. */
function addJsonExport(env: LowerEnv, exportName: string, json: string): void {
  const m = env.m;
  const c = env.data.text(json);
  const name = `ig_${exportName}`;
  m.addFunction(
    name,
    binaryen.none,
    i32,
    [],
    m.call(env.rt('opa_json_parse'), [m.i32.const(c.bytes), m.i32.const(c.length)], i32),
  );
  m.addFunctionExport(name, exportName);
}

/** Compiles an IR policy to a wasm module for @open-policy-agent/opa-wasm (ABI 1.2). */
export function emitWasm(opts: EmitOptions): Uint8Array {
  const { policy } = opts;
  const segments = dataSegments(runtimeBytes());
  const runtimeEnd = segments.reduce((max, s) => Math.max(max, s.offset + s.data.length), 1024);
  const { m, exports, evalImport, memory } = readRuntime();
  try {
    const data = new DataBuilder(Math.ceil(runtimeEnd / 8) * 8);
    const strings: ConstAddr[] = policy.static.strings.map((s) => data.string(s));
    const files = policy.static.files.map((f) => data.string(f).value);
    const link: Linker = { m, exports, hostArities: new Set(), target: opts.target ?? 'imagegate' };
    const funcNames = new Map(policy.funcs.map((f, i) => [f.name, { wasmName: `ig_f${i}`, arity: f.params.length }]));
    const dynamicTargets: DynamicTarget[] = policy.funcs.map((f, i) => ({
      path: f.path,
      wasmName: `ig_f${i}`,
      arity: f.params.length,
    }));
    const env: LowerEnv = {
      m,
      data,
      dynamicTargets,
      string: (i) => strings[i] ?? data.string(''),
      fileValue: (i) => files[i] ?? data.string('').value,
      rt: (name) => {
        const internal = exports.get(name);
        if (internal === undefined)
          throw new ImagegateError(
            'IMAGEGATE_WASM_RUNTIME_INVALID',
            `runtime.wasm lacks export ${name}; rebuild it with \`npm run build:runtime\``,
          );
        return internal;
      },
      resolveCall: resolver(policy, link, funcNames),
    };
    policy.funcs.forEach((f, i) => lowerFunc(env, f, i));
    policy.plans.forEach((p, i) => lowerPlan(env, p, i));
    for (const n of link.hostArities)
      m.addFunctionImport(`opa_builtin${n}`, 'env', `opa_builtin${n}`, params(n + 2), i32);
    addDispatch(env, evalImport, policy.plans.length, policy.funcs.length);
    addJsonExport(env, 'builtins', builtinsJson(policy, link));
    addJsonExport(env, 'entrypoints', JSON.stringify(Object.fromEntries(policy.plans.map((p, i) => [p.name, i]))));
    m.addFunction(
      'ig_start',
      binaryen.none,
      binaryen.none,
      [],
      m.call(env.rt('rt_init'), [m.i32.const(data.end())], none),
    );
    m.setStart(m.getFunction('ig_start'));
    finishMemory(m, memory, segments, data);
    for (const name of exports.keys()) if (!ABI_EXPORTS.has(name) && name !== 'memory') m.removeExport(name);
    m.runPasses(['remove-unused-module-elements']);
    if (opts.optimize ?? true) optimizeGenerated(m, policy);
    if (!m.validate())
      throw new ImagegateError(
        'IMAGEGATE_WASM_INVALID_MODULE',
        'the emitted wasm module failed validation; this is an imagegate bug, please report it with the policy',
      );
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/**
 * Runs binaryen's -O2 function passes on the generated functions only (the runtime is
 * optimised when it is built), then drops whatever became unused.
 */
function optimizeGenerated(m: binaryen.Module, policy: IrPolicy): void {
  binaryen.setOptimizeLevel(2);
  binaryen.setShrinkLevel(1);
  const names = [...policy.funcs.map((_, i) => `ig_f${i}`), ...policy.plans.map((_, i) => `ig_p${i}`)];
  for (const name of names) m.optimizeFunction(name);
  m.runPasses(['inlining-optimizing', 'remove-unused-module-elements']);
}

/**
 * {name: id} of the host built-ins the policy calls (ids are indexes in
 * static.builtin_funcs), under the name the host object holds them by (hostCallShape).
 */
function builtinsJson(policy: IrPolicy, link: Linker): string {
  const out: Record<string, number> = {};
  policy.static.builtinFuncs.forEach((b, i) => {
    if (isHostCall(link, b.name)) out[hostCallShape(b.name, b.decl, link.target).hostName] = i;
  });
  return JSON.stringify(out);
}

/** Whether calls of built-in `name` go to the host (as nativeTarget decides). */
function isHostCall(link: Linker, name: string): boolean {
  const impl = supportedBuiltin(name)?.impl;
  return impl === 'host' || (impl === undefined && !link.exports.has(nativeExportName(name)));
}

function finishMemory(
  m: binaryen.Module,
  memory: string,
  segments: ReturnType<typeof dataSegments>,
  data: DataBuilder,
): void {
  const all = [...segments.map((s) => ({ offset: s.offset, data: s.data })), { offset: data.base, data: data.bytes() }];
  const pages = Math.max(1, Math.ceil(data.end() / PAGE));
  m.removeExport('memory');
  m.setMemory(
    pages,
    -1,
    'memory',
    all.map((s) => ({ offset: m.i32.const(s.offset), data: s.data, passive: false })),
    false,
    false,
    memory,
  );
  m.addMemoryImport(memory, 'env', 'memory');
}
