import type { HostFn } from './types.js';

/**
 * bits.* over arbitrary-precision integers, as OPA (Go big.Int). Arguments arrive as numbers
 * or, beyond 2^53, bigint (their Rego value text, see HOST_TEXT_ARGS); a non-integer operand
 * is a type error (undefined). Results beyond 2^53 are bigint, so they reach the policy exactly.
 */

/** Largest shift bits.lsh accepts: a request-controlled shift could otherwise allocate gigabytes. */
export const MAX_SHIFT = 65_536;

function integer(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
}

function plain(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function binary(op: (a: bigint, b: bigint) => bigint | undefined): HostFn {
  return (x: unknown, y: unknown) => {
    const a = integer(x);
    const b = integer(y);
    if (a === undefined || b === undefined) return undefined;
    const r = op(a, b);
    return r === undefined ? undefined : plain(r);
  };
}

export const bitsBuiltins: Readonly<Record<string, HostFn>> = {
  'bits.or': binary((a, b) => a | b),
  'bits.and': binary((a, b) => a & b),
  'bits.xor': binary((a, b) => a ^ b),
  // The shift count must be a non-negative integer (OPA: "must be an unsigned integer number").
  'bits.lsh': binary((a, s) => (s < 0n || s > BigInt(MAX_SHIFT) ? undefined : a << s)),
  'bits.rsh': binary((a, s) => (s < 0n ? undefined : s > BigInt(MAX_SHIFT) ? (a < 0n ? -1n : 0n) : a >> s)),
  'bits.negate': (x: unknown) => {
    const a = integer(x);
    return a === undefined ? undefined : plain(~a);
  },
};
