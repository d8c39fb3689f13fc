import { isRecord } from '../guards/index.js';
import { CENSORED, isRedactedKey } from './redact.js';

/**
 * Bounds on what one log line may carry. Log fields are filled from AdmissionReviews, registry
 * answers and errors, all of which a hostile tenant or registry can make megabytes long (a 3 MiB
 * object name made a 3.1 MB decision line): every logger built by createLogger applies these to
 * every field of every line, so no call site can forget.
 */
export interface LogCaps {
  /** Longest string kept, in UTF-16 code units; longer ones are cut and say how much was cut. */
  readonly maxStringLength: number;
  /** Array items kept; the rest are summarised in one trailing string. */
  readonly maxArrayItems: number;
  /** Keys kept per object; the rest are summarised under "…". */
  readonly maxObjectKeys: number;
  /** Nesting below this depth is replaced by "[nested]". */
  readonly maxDepth: number;
  /** Top-level fields whose string may be longer than maxStringLength, with their own limit. */
  readonly longFields: Readonly<Record<string, number>>;
}

export const defaultLogCaps: LogCaps = {
  maxStringLength: 1_024,
  maxArrayItems: 50,
  maxObjectKeys: 50,
  maxDepth: 5,
  // The decision line's `reason` is the denial message exactly, which is at most 4096 characters.
  longFields: { reason: 4_096 },
};

/** `value` cut to `max` code units (never splitting a surrogate pair), saying how many were dropped. */
export function capString(opts: { readonly value: string; readonly max: number }): string {
  const { value, max } = opts;
  if (value.length <= max) return value;
  const end = isHighSurrogate(value.charCodeAt(max - 1)) ? max - 1 : max;
  return `${value.slice(0, end)}…[+${value.length - end} chars]`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * A copy of `value` within `caps`: strings cut, arrays and objects shortened, deep nesting
 * replaced, and the value under any credential key (redact.ts) censored, at every depth. Errors
 * become {type, message, code, stack} with the same caps (pino's err shape). Never mutates its
 * input; other values (numbers, booleans, null) pass through.
 */
export function capLogValue(opts: { readonly value: unknown; readonly caps?: LogCaps }): unknown {
  return capAt(opts.value, opts.caps ?? defaultLogCaps, 0);
}

function capAt(value: unknown, caps: LogCaps, depth: number, maxString = caps.maxStringLength): unknown {
  if (fits(value, caps, depth, maxString)) return value;
  if (typeof value === 'string') return capString({ value, max: maxString });
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= caps.maxDepth) return '[nested]';
  if (Array.isArray(value)) {
    const kept: unknown[] = value.slice(0, caps.maxArrayItems).map((v: unknown) => capAt(v, caps, depth + 1));
    if (value.length > caps.maxArrayItems) kept.push(`…[+${value.length - caps.maxArrayItems} items]`);
    return kept;
  }
  const source: Readonly<Record<string, unknown>> = value instanceof Error ? errorFields(value) : { ...value };
  const entries = Object.entries(source);
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries.slice(0, caps.maxObjectKeys))
    out[capString({ value: key, max: caps.maxStringLength })] = isRedactedKey(key)
      ? CENSORED
      : capAt(v, caps, depth + 1, longLimit(caps, depth, key));
  if (entries.length > caps.maxObjectKeys) out['…'] = `+${entries.length - caps.maxObjectKeys} keys`;
  return out;
}

/**
 * True when `value` is already within `caps` and holds no credential key: then it is logged as it
 * is, without a copy (most lines). Plain objects and arrays only; errors and class instances are
 * always copied into their capped shape.
 */
function fits(value: unknown, caps: LogCaps, depth: number, maxString = caps.maxStringLength): boolean {
  if (typeof value === 'string') return value.length <= maxString;
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= caps.maxDepth) return false;
  if (Array.isArray(value)) {
    if (value.length > caps.maxArrayItems) return false;
    for (const item of value) if (!fits(item, caps, depth + 1)) return false;
    return true;
  }
  if (!isRecord(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  let keys = 0;
  for (const key in value) {
    if (++keys > caps.maxObjectKeys || key.length > caps.maxStringLength || isRedactedKey(key)) return false;
    if (!Object.hasOwn(value, key) || !fits(value[key], caps, depth + 1, longLimit(caps, depth, key))) return false;
  }
  return true;
}

/** The string limit of a field: its longFields limit at the top level, else maxStringLength. */
function longLimit(caps: LogCaps, depth: number, key: string): number {
  return (
    (depth === 0 && Object.hasOwn(caps.longFields, key) ? caps.longFields[key] : undefined) ?? caps.maxStringLength
  );
}

/** pino's err shape (type, message, stack, own fields, cause), built here so that every part is capped. */
function errorFields(err: Error): Record<string, unknown> {
  const cause: unknown = err.cause;
  return {
    type: err.constructor.name,
    message: err.message,
    ...(err.stack === undefined ? {} : { stack: err.stack }),
    ...Object.fromEntries(Object.entries(err).filter(([k]) => k !== 'cause')),
    ...(cause === undefined ? {} : { cause }),
  };
}
