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

/**
 * Built-ins the opa-wasm SDK implements itself in JS; the SDK calls its own version before
 * the custom object, and those differ from OPA (sprintf on big integers and collections,
 * regex.split with JS regex syntax, YAML 1.2). The emitter must list these in the module's
 * builtins() export under the alias name, so the OPA-exact host version runs.
 * `imagegate.sprintf` also accepts its values argument as JSON text (exact big integers).
 */
export const HOST_ALIASES: Readonly<Record<string, string>> = {
  sprintf: 'imagegate.sprintf',
  'regex.split': 'imagegate.regex.split',
  'json.is_valid': 'imagegate.json.is_valid',
  'yaml.marshal': 'imagegate.yaml.marshal',
  'yaml.unmarshal': 'imagegate.yaml.unmarshal',
  'yaml.is_valid': 'imagegate.yaml.is_valid',
};

export interface HostBuiltinOptions {
  /** Clock in Unix nanoseconds for time.now_ns. OPA returns one value per evaluation: pass a clock frozen per evaluation (see evaluationClock). */
  readonly now?: () => bigint;
}

/** All host built-ins by OPA name (plain values; bigint for exact big integers). */
export function rawHostBuiltins(opts: HostBuiltinOptions = {}): Record<string, HostFn> {
  const now = opts.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  const all: Record<string, HostFn> = {
    ...stringBuiltins, ...regexBuiltins, ...globBuiltins, ...objectBuiltins, ...arrayBuiltins,
    ...jsonBuiltins, ...yamlBuiltins, ...encodingBuiltins, ...numberBuiltins, ...semverBuiltins,
    ...netBuiltins, ...timeBuiltins(now), ...cryptoBuiltins, ...templateBuiltins, ...miscBuiltins,
    sprintf,
  };
  for (const [name, alias] of Object.entries(HOST_ALIASES)) {
    const f = name === 'sprintf' ? sprintfAlias : all[name];
    if (f !== undefined) all[alias] = f;
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
  if (isObject(v)) return `{${Object.entries(v).map(([k, x]) => `${goJsonString(k)}:${exactJson(x)}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
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
export function evaluationClock(base: () => bigint = () => BigInt(Date.now()) * 1_000_000n): { readonly now: () => bigint; begin(): void } {
  let latched = base();
  return { now: () => latched, begin: () => { latched = base(); } };
}
