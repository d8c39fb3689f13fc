/**
 * Built-in dispatch. A built-in the runtime implements natively is exported from
 * runtime.wasm as `bi_<name>` with each "." spelled "__" (`object.get` ->
 * `bi_object__get`) and is called directly. Every other built-in is "host": listed
 * in the module's builtins() export and called through opa_builtin0..4, which the SDK
 * routes to its own JS built-ins first (SDK_JS_BUILTINS) and only then to the custom
 * object imagegate passes as loadPolicy's third argument (HostBuiltins). So a built-in
 * whose SDK version imagegate must not use is either native in the runtime or listed
 * under an alias (HOST_ALIASES in src/rego/builtins, applied by host-calls.ts).
 */

/** One host built-in: receives JSON-decoded arguments (sets arrive as arrays), returns a JSON-able value or undefined. */
export type HostBuiltin = (...args: unknown[]) => unknown;

/** The object passed as the third argument of opa-wasm's loadPolicy. */
export type HostBuiltins = Readonly<Record<string, HostBuiltin>>;

/** Built-ins @open-policy-agent/opa-wasm 1.10 implements in JS; they shadow HostBuiltins of the same name. */
export const SDK_JS_BUILTINS: ReadonlySet<string> = new Set([
  'json.is_valid',
  'regex.split',
  'sprintf',
  'yaml.is_valid',
  'yaml.marshal',
  'yaml.unmarshal',
]);

/** Largest argument count of a host built-in (opa_builtin0..4). */
export const MAX_HOST_ARITY = 4;

/** Runtime export name of a native built-in. */
export function nativeExportName(name: string): string {
  return `bi_${name.replaceAll('.', '__')}`;
}

/** Built-in name of a runtime export, or undefined when it is not a native built-in. */
export function builtinNameOfExport(exportName: string): string | undefined {
  return exportName.startsWith('bi_') ? exportName.slice(3).replaceAll('__', '.') : undefined;
}
