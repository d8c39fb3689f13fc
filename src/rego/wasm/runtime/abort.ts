// Aborts through the host's opa_abort with a NUL-terminated UTF-8 message.
// The SDK throws the decoded message as a string.

import { opa_abort } from './env';
import { alloc } from './alloc';

/** Writes an ASCII static string at p; returns the address after it. */
export function writeAscii(p: u32, s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(p + <u32>i, <u8>s.charCodeAt(i));
  return p + <u32>s.length;
}

/** Aborts with a static message. Never returns. */
export function fail(msg: string): void {
  const p = alloc(<u32>msg.length + 1);
  store<u8>(writeAscii(p, msg), 0);
  opa_abort(p);
  unreachable();
}

function writeUint(p: u32, v: u32): u32 {
  let digits: u32 = 1;
  for (let t = v; t >= 10; t /= 10) digits++;
  for (let i: u32 = 0; i < digits; i++) {
    store<u8>(p + digits - 1 - i, <u8>(48 + (v % 10)));
    v /= 10;
  }
  return p + digits;
}

/**
 * Aborts with OPA's runtime error text "<file>:<row>:<col>: <msg>", where file
 * is a string value (len at +4, bytes at +8). kind 0: var assignment conflict,
 * 1: object insert conflict, 2: functions must not produce multiple outputs,
 * 3: illegal entrypoint id.
 */
export function runtimeError(file: u32, row: u32, col: u32, kind: i32): void {
  const flen = file == 0 ? 0 : load<u32>(file, 4);
  const p = alloc(flen + 120);
  let q = p;
  if (kind == 3) {
    store<u8>(writeAscii(q, 'internal: illegal entrypoint id'), 0);
    opa_abort(p);
    unreachable();
  }
  if (flen > 0) {
    memory.copy(q, load<u32>(file, 8), flen);
    q += flen;
  }
  q = writeAscii(q, ':');
  q = writeUint(q, row);
  q = writeAscii(q, ':');
  q = writeUint(q, col);
  q = writeAscii(q, ': ');
  if (kind == 0) q = writeAscii(q, 'var assignment conflict');
  else if (kind == 1) q = writeAscii(q, 'object insert conflict');
  else if (kind == 2) q = writeAscii(q, 'functions must not produce multiple outputs for same inputs');
  else q = writeAscii(q, 'internal: illegal entrypoint id');
  store<u8>(q, 0);
  opa_abort(p);
  unreachable();
}
