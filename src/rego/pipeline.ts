import { ImagegateError } from '../errors/index.js';
import {
  parseModuleResult,
  parseQuery,
  RegoParseError,
  type Body,
  type Module,
  type RegoError,
} from './syntax/index.js';
import { compileProgram } from './compile/index.js';
import { planPolicy, type Entrypoint } from './plan/index.js';
import { emitWasm, type EmitTarget } from './wasm/index.js';
import { inputPaths, type InputPath } from './ir/index.js';

/** One Rego source file. */
export interface RegoSource {
  readonly file: string;
  readonly text: string;
}

/** 1 = Rego v1 (OPA 1.x, the default); 0 = pre-1.0 syntax (`--v0-compatible`). */
export type RegoVersion = 0 | 1;

/**
 * Parses every source, collecting the errors of all files (as `opa build` reports them) into
 * one RegoParseError.
 */
export function parseSources(opts: {
  readonly sources: readonly RegoSource[];
  readonly regoVersion?: RegoVersion;
}): Module[] {
  const modules: Module[] = [];
  const errors: RegoError[] = [];
  for (const s of opts.sources) {
    const r = parseModuleResult(s.text, { file: s.file, regoVersion: opts.regoVersion ?? 1 });
    if (r.ok) modules.push(r.value);
    else errors.push(...r.errors);
  }
  if (errors.length > 0) throw new RegoParseError(errors);
  return modules;
}

/** What compileEntrypoints takes. */
export interface CompileEntrypointsOptions {
  readonly sources: readonly RegoSource[];
  readonly entrypoints: readonly string[];
  readonly regoVersion?: RegoVersion;
  /** Run binaryen's -O2 over the module (slower to build; `policy build -O 1`). Default false. */
  readonly optimize?: boolean;
  /** Keep `print(…)` as calls of the host's `internal.print` (OPA's WithEnablePrintStatements). Default false: erased. */
  readonly enablePrint?: boolean;
  /**
   * The host the module is for: `imagegate` (default: the stock JS SDK with imagegate's
   * hostBuiltins()) or `opa` (only OPA's built-in names, for OPA's Go or Rust SDK).
   */
  readonly target?: EmitTarget;
}

/** A compiled module with what the plan says about it. */
export interface CompiledPolicy {
  readonly wasm: Uint8Array;
  /** The `input` paths the entrypoints can read (ir/input-paths.ts); `[[]]` is the whole input. */
  readonly inputPaths: readonly InputPath[];
}

/**
 * Compiles modules to one wasm module with an entrypoint per `pkg/rule` path (as
 * `opa build -t wasm -e pkg/rule`); each evaluates to `[{"result": value}]` or `[]`.
 * Throws RegoParseError or RegoCompileError listing every problem.
 */
export function compileEntrypoints(opts: CompileEntrypointsOptions): Uint8Array {
  return compilePolicy(opts).wasm;
}

/** compileEntrypoints, also reporting the input paths the module's entrypoints can read. */
export function compilePolicy(opts: CompileEntrypointsOptions): CompiledPolicy {
  const modules = parseSources(opts);
  checkEntrypoints(modules, opts.entrypoints);
  const program = compileProgram({ modules, enablePrint: opts.enablePrint ?? false });
  const entrypoints: Entrypoint[] = opts.entrypoints.map((path) => ({ kind: 'path', path }));
  const policy = planPolicy({ program, entrypoints });
  const wasm = emitWasm({ policy, optimize: opts.optimize ?? false, target: opts.target ?? 'imagegate' });
  return { wasm, inputPaths: inputPaths(policy) };
}

/** Compiles a query (as `opa eval QUERY` takes it) against modules; rows bind its named vars. */
export function compileQuery(opts: {
  readonly sources: readonly RegoSource[];
  readonly query: Body | string;
  readonly regoVersion?: RegoVersion;
  /** As for compileEntrypoints. Default false. */
  readonly enablePrint?: boolean;
}): Uint8Array {
  const modules = parseSources(opts);
  const query = typeof opts.query === 'string' ? parseQuery(opts.query, { file: '<query>' }) : opts.query;
  const program = compileProgram({ modules, query, enablePrint: opts.enablePrint ?? false });
  return emitWasm({ policy: planPolicy({ program, entrypoints: [{ kind: 'query' }] }), optimize: false });
}

/**
 * Every entrypoint must name a rule, a path inside a rule's value (`pkg/obj/key` of a partial
 * object, any key where a rule head has a var: `a.b[x].c` covers `a/b/anything/c`), or a
 * package or rule-path prefix that holds rules, as OPA's `opa build -e` accepts them (its
 * compiler finds the rules at the path or at any prefix of it). A typo would otherwise build
 * a decision that is always undefined.
 */
function checkEntrypoints(modules: readonly Module[], entrypoints: readonly string[]): void {
  const refs = modules.flatMap((m) => {
    const pkg = m.package.path.path.map((s) => s.value);
    return m.rules.map((r) => [
      ...pkg,
      r.head.ref[0].name,
      ...r.head.ref.slice(1).map((t) => (t.type === 'string' ? t.value : null)),
    ]);
  });
  // null: a var (or other non-string) key in the rule's head, matching any segment.
  const covers = (ref: readonly (string | null)[], ep: readonly string[]): boolean => {
    const n = Math.min(ref.length, ep.length);
    for (let i = 0; i < n; i++) if (ref[i] !== null && ref[i] !== ep[i]) return false;
    return true;
  };
  const missing = entrypoints.filter((ep) => {
    const segs = ep.split('/').filter((s) => s !== '');
    return segs.length === 0 || !refs.some((ref) => covers(ref, segs));
  });
  if (missing.length > 0) {
    throw new ImagegateError(
      'IMAGEGATE_REGO_ENTRYPOINT_UNDEFINED',
      `entrypoint ${missing.map((m) => JSON.stringify(m)).join(', ')} does not refer to a rule or package in the policy; entrypoints are "package/path/rule", e.g. imagegate/decision`,
    );
  }
}
