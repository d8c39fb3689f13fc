// Runtime entry: OPA wasm ABI exports (1.2) plus the rt_* helpers and bi_*
// native built-ins that generated policy code calls. The emitter links
// policy code into this module; non-ABI exports are removed after linking.

import { policy_eval } from './env';
import { alloc, allocZero, heapInit, heapGet, heapSet } from './alloc';
import { parseJson } from './json';
import { dump } from './dump';
import { addPath, removePath } from './ops';

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 2;

export function opa_malloc(size: u32): u32 {
  return alloc(size);
}

/** Memory is reclaimed only by opa_heap_ptr_set; freeing single blocks is a no-op. */
export function opa_free(p: u32): void {}

export function opa_heap_ptr_get(): u32 {
  return heapGet();
}

export function opa_heap_ptr_set(p: u32): void {
  heapSet(p);
}

export function opa_json_parse(p: u32, len: u32): u32 {
  return parseJson(p, len, false);
}

export function opa_value_parse(p: u32, len: u32): u32 {
  return parseJson(p, len, true);
}

export function opa_json_dump(v: u32): u32 {
  return dump(v, false);
}

export function opa_value_dump(v: u32): u32 {
  return dump(v, true);
}

export function opa_value_add_path(base: u32, path: u32, value: u32): i32 {
  return addPath(base, path, value);
}

export function opa_value_remove_path(base: u32, path: u32): i32 {
  return removePath(base, path);
}

/** ABI 1.2 single-call evaluation; input text at inputAddr (len 0 = undefined). */
export function opa_eval(
  reserved: u32,
  ep: i32,
  data: u32,
  inputAddr: u32,
  inputLen: u32,
  heapPtr: u32,
  format: i32,
): u32 {
  heapSet(heapPtr);
  const input = inputLen > 0 ? parseJson(inputAddr, inputLen, false) : 0;
  const rs = policy_eval(ep, input, data);
  return dump(rs, format != 0);
}

// ---- ABI 1.0/1.1 context API: ctx = {input@0, data@4, result@8, entrypoint@12} ----

export function opa_eval_ctx_new(): u32 {
  return allocZero(16);
}

export function opa_eval_ctx_set_input(ctx: u32, v: u32): void {
  store<u32>(ctx, v);
}

export function opa_eval_ctx_set_data(ctx: u32, v: u32): void {
  store<u32>(ctx, v, 4);
}

export function opa_eval_ctx_set_entrypoint(ctx: u32, ep: i32): void {
  store<i32>(ctx, ep, 12);
}

export function opa_eval_ctx_get_result(ctx: u32): u32 {
  return load<u32>(ctx, 8);
}

// @ts-expect-error: OPA's ABI names this export "eval"; AssemblyScript allows it, TypeScript's checker does not.
export function eval(ctx: u32): i32 {
  store<u32>(ctx, policy_eval(load<i32>(ctx, 12), load<u32>(ctx), load<u32>(ctx, 4)), 8);
  return 0;
}

export function rt_init(base: u32): void {
  heapInit(base);
}

export * from './gen';
export * from './builtins/core';
export * from './builtins/collections';
export * from './builtins/strings';
export * from './builtins/strings2';
export * from './builtins/graph';
export * from './builtins/deprecated';
