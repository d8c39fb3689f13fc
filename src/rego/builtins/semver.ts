import type { HostFn } from './types.js';
import { isString } from './values.js';

/** SemVer 2.0.0 (no "v" prefix, no leading zeros in numeric parts). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

interface Version {
  readonly core: readonly bigint[];
  readonly pre: readonly string[];
}

function parse(s: unknown): Version | undefined {
  if (!isString(s)) return undefined;
  const m = SEMVER.exec(s);
  if (m === null) return undefined;
  return {
    core: [BigInt(m[1] ?? '0'), BigInt(m[2] ?? '0'), BigInt(m[3] ?? '0')],
    pre: m[4] === undefined ? [] : m[4].split('.'),
  };
}

function cmpIdent(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer precedence; build metadata is ignored. */
function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const x = a.core[i] ?? 0n;
    const y = b.core[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const c = cmpIdent(a.pre[i] ?? '', b.pre[i] ?? '');
    if (c !== 0) return c;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

export const semverBuiltins: Readonly<Record<string, HostFn>> = {
  'semver.is_valid': (s) => parse(s) !== undefined,
  'semver.compare': (a, b) => {
    const x = parse(a);
    const y = parse(b);
    return x === undefined || y === undefined ? undefined : compare(x, y);
  },
};
