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

/**
 * Built-ins the module calls under an `imagegate.*` alias (the emitter lists the alias in the
 * module's builtins() export). Two reasons: the opa-wasm SDK implements sprintf, regex.split,
 * json.is_valid and yaml.* itself in JS and calls its own version before the custom object,
 * and those differ from OPA (big integers and collections in sprintf, JS regex syntax, YAML
 * 1.2); and the aliases of HOST_TEXT_ARGS take some arguments as Rego value text.
 */
export const HOST_ALIASES: Readonly<Record<string, string>> = {
  sprintf: 'imagegate.sprintf',
  'regex.split': 'imagegate.regex.split',
  'json.is_valid': 'imagegate.json.is_valid',
  'yaml.marshal': 'imagegate.yaml.marshal',
  'yaml.unmarshal': 'imagegate.yaml.unmarshal',
  'yaml.is_valid': 'imagegate.yaml.is_valid',
  'internal.template_string': 'imagegate.internal.template_string',
  'net.cidr_contains_matches': 'imagegate.net.cidr_contains_matches',
  'json.patch': 'imagegate.json.patch',
  'time.date': 'imagegate.time.date',
  'time.clock': 'imagegate.time.clock',
  'time.weekday': 'imagegate.time.weekday',
  'time.add_date': 'imagegate.time.add_date',
  'time.diff': 'imagegate.time.diff',
  'time.format': 'imagegate.time.format',
  'internal.print': 'imagegate.internal.print',
};

/**
 * Argument positions (0-based) that the alias version (HOST_ALIASES) takes as the argument's
 * Rego value text (the runtime's value dump): the SDK hands arguments over as JSON through
 * JSON.parse, which rounds integers beyond 2^53 to doubles and turns sets into arrays. These
 * built-ins need exact integers (sprintf, time.* nanoseconds) or must tell sets from arrays (template strings
 * print them differently, cidr_contains_matches keys set elements by value). A string at such
 * a position is always read as text, so the alias cannot take a plain string there.
 */
export const HOST_TEXT_ARGS: Readonly<Record<string, readonly number[]>> = {
  sprintf: [1],
  'internal.template_string': [0],
  'net.cidr_contains_matches': [0, 1],
  'json.patch': [0, 1],
  // Nanosecond timestamps (alone or as [ns, zone, layout?]) beyond 2^53 must stay exact.
  'time.date': [0],
  'time.clock': [0],
  'time.weekday': [0],
  'time.add_date': [0],
  'time.diff': [0, 1],
  'time.format': [0],
  // The arguments' value sets, kept as sets (and with exact numbers) for printing.
  'internal.print': [0],
};

/**
 * Alias built-ins (HOST_ALIASES) whose result may hold sets anywhere inside (json.patch of a
 * document with sets): the alias returns the result's Rego value text as a string, and the
 * module reads it back with its value reader (rt_value_parse), so nested sets stay sets.
 */
export const HOST_TEXT_RESULTS: ReadonlySet<string> = new Set(['json.patch']);

/**
 * f reading the string arguments at `positions` as Rego value text (unreadable text: undefined
 * result), and with `textResult` returning its result as Rego value text.
 */
function withTextArgs(f: HostFn, positions: readonly number[], textResult: boolean): HostFn {
  return (...args: unknown[]) => {
    const decoded: unknown[] = [];
    for (const [i, a] of args.entries()) {
      if (!positions.includes(i) || typeof a !== 'string') { decoded.push(a); continue; }
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
    ...stringBuiltins, ...regexBuiltins, ...globBuiltins, ...objectBuiltins, ...arrayBuiltins,
    ...jsonBuiltins, ...yamlBuiltins, ...encodingBuiltins, ...numberBuiltins, ...semverBuiltins,
    ...netBuiltins, ...timeBuiltins(now), ...cryptoBuiltins, ...templateBuiltins, ...miscBuiltins,
    sprintf, 'internal.print': printBuiltin(opts.print),
  };
  for (const [name, alias] of Object.entries(HOST_ALIASES)) {
    const f = name === 'sprintf' ? sprintfAlias : all[name];
    const text = HOST_TEXT_ARGS[name];
    if (f !== undefined) all[alias] = text === undefined || name === 'sprintf' ? f : withTextArgs(f, text, HOST_TEXT_RESULTS.has(name));
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
