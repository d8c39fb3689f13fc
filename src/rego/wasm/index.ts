/**
 * Rego → WebAssembly back end: OPA IR (src/rego/ir) in, a module following OPA's wasm
 * ABI out, loadable by the stock @open-policy-agent/opa-wasm SDK (loadPolicy, setData,
 * evaluate).
 *
 * Design
 * - Runtime, written once (runtime/*.ts, AssemblyScript as low-level code over raw
 *   memory: no managed objects, `--runtime stub --importMemory --use abort=`), built by
 *   `npm run build:runtime` into runtime/build/runtime.wasm. It holds the value model,
 *   JSON parse/dump, OPA's value order, the allocator, the ABI exports (1.2: opa_eval
 *   fast path, plus the 1.0/1.1 ctx API and `eval`), add/remove_path, the rt_* helpers
 *   the generated code calls, and native built-ins (bi_*). It imports `policy_eval`,
 *   which the emitter replaces by the generated dispatcher.
 * - Value model (runtime/value.ts): tagged structs; numbers keep i64 or their exact
 *   decimal text (JSON `1e400`, `12345678901234567890`, `3.0` survive round trips) and
 *   compute exactly in decimal when they leave i64 (division: 20 significant digits).
 *   Objects and sets are arrays sorted in OPA's value order (null < boolean < number <
 *   string < array < object < set), so iteration and dumps are deterministic and match
 *   OPA's Go evaluator's printed order, and equality/comparison are linear.
 * - Heap: bump allocator from the heap pointer; opa_heap_ptr_set frees everything
 *   above; the heap top is always memory.size() (the SDK writes input JSON at the heap
 *   pointer and grows memory itself). The heap starts after the policy's data segment.
 * - Emitter (emit.ts, lower.ts): binaryen.js reads runtime.wasm, adds one function per
 *   IR function (`ig_f<i>`: params = IR params, i32 values, 0 = undefined) and per plan
 *   (`ig_p<i>`), the dispatcher (plan index = entrypoint id), `builtins`/`entrypoints`
 *   (JSON constants parsed on call), a start function setting the heap base, and a data
 *   segment with the IR strings as interned string values. Non-ABI exports are removed
 *   and unused runtime code is dropped (optionally -O2). Memory is imported with a
 *   minimum just covering the data (≤ 5 pages for ordinary policies: the SDK's default)
 *   and no maximum.
 * - Control flow: one labelled wasm block per IR block, breaks through a label stack
 *   (lower.ts). Zero-argument rules are memoised per evaluation; WithStmt pushes a
 *   fresh memo frame. Conflicts abort via opa_abort with "file:row:col: var assignment
 *   conflict" / "object insert conflict" / "functions must not produce multiple outputs
 *   for same inputs" (functions with arguments).
 * - Built-ins: native ones are called directly; others go through opa_builtinN with
 *   OPA's ids (index in static.builtin_funcs) and are listed by builtins() under their
 *   host name (host-calls.ts: `imagegate.*` aliases where the SDK's own JS version of
 *   the OPA name differs from OPA). Set-typed host results come back as arrays and are
 *   turned into sets (rt_to_set); arguments listed in HOST_TEXT_ARGS go as Rego value
 *   text (rt_value_text) so big integers stay exact and sets stay sets. A policy that calls no host built-in imports none. See
 *   builtins.ts for the host interface; src/rego/builtins' hostBuiltins() implements it.
 */
import { exportNames, runtimeBytes } from './runtime-module.js';
import { builtinNameOfExport } from './builtins.js';

export { emitWasm, type EmitOptions } from './emit.js';
export {
  type HostBuiltin, type HostBuiltins, SDK_JS_BUILTINS, MAX_HOST_ARITY, nativeExportName,
} from './builtins.js';
export { RUNTIME_URL } from './runtime-module.js';
export { hostBuiltinName, hostCallShape, type HostCallShape } from './host-calls.js';

let natives: ReadonlySet<string> | undefined;

/** Names of the built-ins the runtime implements natively (no host call). */
export function nativeBuiltins(): ReadonlySet<string> {
  if (natives !== undefined) return natives;
  natives = new Set(exportNames(runtimeBytes()).map(builtinNameOfExport).filter((n): n is string => n !== undefined));
  return natives;
}
