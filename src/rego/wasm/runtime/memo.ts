// Per-evaluation memo of zero-argument rule results, one slot per function
// index. A frame is u32 prev, u32 slot count, then the slots; WithStmt pushes
// an empty frame so values computed under `with` never leak out.

import { allocZero } from './alloc';

let frame: u32 = 0;
let slots: u32 = 0;

function newFrame(prev: u32): u32 {
  const f = allocZero(8 + slots * 4);
  store<u32>(f, prev);
  store<u32>(f, slots, 4);
  return f;
}

export function memoInit(n: u32): void {
  slots = n;
  frame = newFrame(0);
}

export function memoPush(): void {
  frame = newFrame(frame);
}

export function memoPop(): void {
  if (frame != 0 && load<u32>(frame) != 0) frame = load<u32>(frame);
}

export function memoGet(i: u32): u32 {
  if (frame == 0 || i >= load<u32>(frame, 4)) return 0;
  return load<u32>(frame + 8 + i * 4);
}

export function memoSet(i: u32, v: u32): void {
  if (frame == 0 || i >= load<u32>(frame, 4)) return;
  store<u32>(frame + 8 + i * 4, v);
}
