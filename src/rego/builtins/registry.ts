import { arrayBuiltins } from './arrays.js';
import { cryptoBuiltins } from './crypto.js';
import { encodingBuiltins } from './encoding.js';
import { globBuiltins } from './glob.js';
import { formatNumber } from './format.js';
import { goJsonString } from './json.js';
import { jsonBuiltins } from './json.js';
import { miscBuiltins } from './misc.js';
import { netBuiltins } from './net.js';
import { numberBuiltins } from './numbers.js';
import { objectBuiltins } from './objects.js';
import { regexBuiltins } from './regex.js';
import { semverBuiltins } from './semver.js';
import { sprintf, sprintfAlias } from './sprintf.js';
import { stringBuiltins } from './strings.js';
import { templateBuiltins } from './template.js';
import { timeBuiltins } from './time.js';
import type { HostFn } from './types.js';
import { isArray, isObject } from './values.js';
import { yamlBuiltins } from './yaml.js';
import { parseRegoText, regoText } from './rego-text.js';
import { printBuiltin, type PrintSink } from './print.js';
import { bitsBuiltins } from './bits.js';
import { jwtBuiltins } from './jwt.js';
import { HOST_ALIASES, HOST_TEXT_ARGS, HOST_TEXT_RESULTS } from '../catalogue/index.js';
import { jsonTextOf } from '../../guards/index.js';

/**
 * f reading the string arguments at `positions` as Rego value text (unreadable text: undefined
 * result), and with `textResult` returning its result as Rego value text.
 */
function withTextArgs(f: HostFn, positions: readonly number[], textResult: boolean): HostFn {
  return (...args: unknown[]) => {
    const decoded: unknown[] = [];
    for (const [i, a] of args.entries()) {
      if (!positions.includes(i) || typeof a !== 'string') {
        decoded.push(a);
        continue;
      }
      const v = parseRegoText(a);
      if (v === undefined) return undefined;
      decoded.push(v);
    }
    const r = f(...decoded);
    return textResult && r !== undefined ? regoText(r) : r;
  };
}

export interface HostBuiltinOptions {
  /** Clock in Unix nanoseconds for time.now_ns. OPA returns one value per evaluation: pass a clock frozen per evaluation (see evaluationClock). */
  readonly now?: () => bigint;
  /** Sink for the lines of Rego `print(…)` (modules compiled with print enabled). Default: none, the lines are dropped. */
  readonly print?: PrintSink;
}

/** All host built-ins by OPA name (plain values; bigint for exact big integers). */
export function rawHostBuiltins(opts: HostBuiltinOptions = {}): Record<string, HostFn> {
  const now = opts.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  const all: Record<string, HostFn> = {
    ...stringBuiltins,
    ...regexBuiltins,
    ...globBuiltins,
    ...objectBuiltins,
    ...arrayBuiltins,
    ...jsonBuiltins,
    ...yamlBuiltins,
    ...encodingBuiltins,
    ...numberBuiltins,
    ...semverBuiltins,
    ...netBuiltins,
    ...timeBuiltins(now),
    ...cryptoBuiltins,
    ...templateBuiltins,
    ...miscBuiltins,
    ...bitsBuiltins,
    ...jwtBuiltins,
    sprintf,
    'internal.print': printBuiltin(opts.print),
  };
  for (const [name, alias] of Object.entries(HOST_ALIASES)) {
    const f = name === 'sprintf' ? sprintfAlias : all[name];
    const text = HOST_TEXT_ARGS[name];
    if (f !== undefined)
      all[alias] = text === undefined || name === 'sprintf' ? f : withTextArgs(f, text, HOST_TEXT_RESULTS.has(name));
  }
  return all;
}

function containsBigint(v: unknown): boolean {
  if (typeof v === 'bigint') return true;
  if (isArray(v)) return v.some(containsBigint);
  if (isObject(v)) return Object.values(v).some(containsBigint);
  return false;
}

function exactJson(v: unknown): string {
  if (typeof v === 'bigint' || typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return goJsonString(v);
  if (isArray(v)) return `[${v.map(exactJson).join(',')}]`;
  if (isObject(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${goJsonString(k)}:${exactJson(x)}`)
      .join(',')}}`;
  return jsonTextOf(v) ?? 'null';
}

/**
 * What the SDK accepts as a built-in result: plain JSON values, or an ArrayBuffer holding
 * JSON text (the SDK passes it through unparsed), used when a result has integers beyond
 * 2^53 so they reach the policy exactly. Non-finite numbers cannot be JSON: undefined.
 */
export function toWire(v: unknown): unknown {
  if (v === undefined) return undefined;
  if (typeof v === 'number' && !Number.isFinite(v)) return undefined;
  if (!containsBigint(v)) return v;
  return new TextEncoder().encode(exactJson(v)).buffer;
}

/** The object for opa-wasm's `loadPolicy(wasm, memory, customBuiltins)`. */
export function hostBuiltins(opts: HostBuiltinOptions = {}): Record<string, HostFn> {
  const raw = rawHostBuiltins(opts);
  return Object.fromEntries(Object.entries(raw).map(([name, f]) => [name, (...args: unknown[]) => toWire(f(...args))]));
}

/**
 * A clock for one evaluation at a time: `begin()` latches the base clock, `now` returns the
 * latched value until the next `begin()`, so time.now_ns is stable within an evaluation.
 */
export function evaluationClock(base: () => bigint = () => BigInt(Date.now()) * 1_000_000n): {
  readonly now: () => bigint;
  begin(): void;
} {
  let latched = base();
  return {
    now: () => latched,
    begin: () => {
      latched = base();
    },
  };
}
