// Bump allocator over the imported linear memory.
//
// Contract (OPA wasm ABI): everything above the heap pointer is free. The host
// resets the heap with opa_heap_ptr_set between evaluations and may write input
// JSON at the heap pointer and grow memory itself, so the heap top is always
// derived from memory.size() and never cached. There is no free list: a block
// is reclaimed only by moving the heap pointer back below it.

import { fail } from './abort';

let heapPtr: u32 = 0;

/** Sets the first heap address (called once from the module start function). */
export function heapInit(base: u32): void {
  heapPtr = (base + 7) & ~7;
}

export function heapGet(): u32 {
  return heapPtr;
}

export function heapSet(p: u32): void {
  heapPtr = p;
}

/** Makes sure memory covers [0, end); grows it by whole pages, aborting on failure. */
function ensure(end: u32): void {
  const have = (<u64>memory.size()) << 16;
  if (<u64>end <= have) return;
  const missing = <u64>end - have;
  const pages = <i32>((missing + 0xffff) >> 16);
  if (memory.grow(pages) < 0) fail('out of memory');
}

/** Allocates size bytes, 8-byte aligned, uninitialised. */
export function alloc(size: u32): u32 {
  const p = (heapPtr + 7) & ~7;
  const end = p + size;
  if (end < p) fail('out of memory');
  ensure(end);
  heapPtr = end;
  return p;
}

/** Allocates size zeroed bytes. */
export function allocZero(size: u32): u32 {
  const p = alloc(size);
  memory.fill(p, 0, size);
  return p;
}

/** Grows a block to newSize bytes: in place when it is the last block, else by copying. */
export function realloc(p: u32, oldSize: u32, newSize: u32): u32 {
  if (p + oldSize == heapPtr && p != 0) {
    ensure(p + newSize);
    heapPtr = p + newSize;
    return p;
  }
  const q = alloc(newSize);
  if (oldSize > 0) memory.copy(q, p, oldSize);
  return q;
}
