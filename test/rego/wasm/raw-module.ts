/**
 * Test helper: instantiates an emitted module directly (no SDK) to call ABI exports
 * and read NUL-terminated strings from its memory.
 */

/** The slice of the WebAssembly JS API the tests use (lib.dom is not loaded). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmModule {
  readonly brand?: never;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: { new (bytes: Uint8Array): WasmModule; imports(m: WasmModule): { module: string; name: string }[] };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

export interface RawExports {
  opa_malloc(n: number): number;
  opa_json_parse(p: number, n: number): number;
  opa_value_parse(p: number, n: number): number;
  opa_json_dump(v: number): number;
  opa_value_dump(v: number): number;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(p: number): void;
  opa_value_add_path(base: number, path: number, value: number): number;
  opa_value_remove_path(base: number, path: number): number;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(ctx: number, v: number): void;
  opa_eval_ctx_set_data(ctx: number, v: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, ep: number): void;
  opa_eval_ctx_get_result(ctx: number): number;
  eval(ctx: number): number;
  builtins(): number;
  entrypoints(): number;
}

const NAMES = [
  'opa_malloc',
  'opa_json_parse',
  'opa_value_parse',
  'opa_json_dump',
  'opa_value_dump',
  'opa_heap_ptr_get',
  'opa_heap_ptr_set',
  'opa_value_add_path',
  'opa_value_remove_path',
  'opa_eval_ctx_new',
  'opa_eval_ctx_set_input',
  'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result',
  'eval',
  'builtins',
  'entrypoints',
] as const;

function isRawExports(x: Record<string, unknown>): x is Record<string, unknown> & RawExports {
  return NAMES.every((n) => typeof x[n] === 'function');
}

function isWasmApi(x: unknown): x is WasmApi {
  return typeof x === 'object' && x !== null && 'instantiate' in x && 'Memory' in x;
}

export interface Raw {
  readonly exports: RawExports;
  /** Writes UTF-8 text into the heap; returns [addr, byteLength]. */
  write(text: string): [number, number];
  read(addr: number): string;
  parse(text: string): number;
  parseValue(text: string): number;
  dumpJson(v: number): string;
  dumpValue(v: number): string;
}

function wasmApi(): WasmApi {
  const api: unknown = Reflect.get(globalThis, 'WebAssembly');
  if (!isWasmApi(api)) throw new Error('no WebAssembly in this runtime');
  return api;
}

/** "module.name" of every import of a module. */
export function importNames(wasm: Uint8Array): string[] {
  const api = wasmApi();
  return api.Module.imports(new api.Module(wasm)).map((i) => `${i.module}.${i.name}`);
}

export async function instantiate(wasm: Uint8Array): Promise<Raw> {
  const api = wasmApi();
  const memory = new api.Memory({ initial: 5 });
  const decoder = new TextDecoder();
  const read = (addr: number): string => {
    const bytes = new Uint8Array(memory.buffer);
    let end = addr;
    while (bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(addr, end));
  };
  const { instance } = await api.instantiate(wasm, {
    env: {
      memory,
      opa_abort: (addr: number) => {
        throw new Error(`abort: ${read(addr)}`);
      },
      opa_println: () => undefined,
    },
  });
  const ex = instance.exports;
  if (!isRawExports(ex)) throw new Error('module lacks ABI exports');
  const write = (text: string): [number, number] => {
    const bytes = new TextEncoder().encode(text);
    const p = ex.opa_malloc(bytes.length);
    new Uint8Array(memory.buffer).set(bytes, p);
    return [p, bytes.length];
  };
  return {
    exports: ex,
    write,
    read,
    parse: (text) => ex.opa_json_parse(...write(text)),
    parseValue: (text) => ex.opa_value_parse(...write(text)),
    dumpJson: (v) => read(ex.opa_json_dump(v)),
    dumpValue: (v) => read(ex.opa_value_dump(v)),
  };
}
