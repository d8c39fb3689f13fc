import { formatNumber } from './format.js';
import { jsonPatch } from './json-patch.js';
import { jsonFilter, jsonRemove } from './json-paths.js';
import type { HostFn } from './types.js';
import { isObject, isString, sortedKeys } from './values.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Go's encoding/json string encoding (HTML-safe, lone surrogates become U+FFFD). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const e = ESCAPES[ch];
    const cp = ch.codePointAt(0) ?? 0;
    if (e !== undefined) out += e;
    else if (cp < 0x20) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

interface Layout {
  readonly indent: string;
  readonly prefix: string;
}

/** Go's json.Marshal (layout undefined) or MarshalIndent of a value, object keys sorted. */
export function goJson(v: unknown, layout?: Layout, depth = 0): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
    case 'string':
      return goJsonString(v);
    default:
      break;
  }
  const nl = layout === undefined ? '' : `\n${layout.prefix}${layout.indent.repeat(depth + 1)}`;
  const end = layout === undefined ? '' : `\n${layout.prefix}${layout.indent.repeat(depth)}`;
  const sep = layout === undefined ? ':' : ': ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x: unknown) => nl + goJson(x, layout, depth + 1)).join(',')}${end}]`;
  }
  if (isObject(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return '{}';
    return `{${keys.map((k) => `${nl}${goJsonString(k)}${sep}${goJson(v[k], layout, depth + 1)}`).join(',')}${end}}`;
  }
  return 'null';
}

/**
 * json.marshal_with_options(x, {pretty, indent, prefix}): pretty defaults to true when indent
 * or prefix is given; indent defaults to a tab. Unknown option keys are an error. The prefix
 * starts every line, the first included (as OPA does).
 */
function marshalWithOptions(x: unknown, opts: unknown): string | undefined {
  if (!isObject(opts)) return undefined;
  let pretty: boolean | undefined;
  let indent = '\t';
  let prefix = '';
  let layoutGiven = false;
  for (const [k, v] of Object.entries(opts)) {
    if (k === 'pretty' && typeof v === 'boolean') pretty = v;
    else if (k === 'indent' && isString(v)) {
      indent = v;
      layoutGiven = true;
    } else if (k === 'prefix' && isString(v)) {
      prefix = v;
      layoutGiven = true;
    } else return undefined;
  }
  if (!(pretty ?? layoutGiven)) return goJson(x);
  return prefix + goJson(x, { indent, prefix });
}

function unmarshal(s: unknown): unknown {
  if (!isString(s)) return undefined;
  try {
    return JSON.parse(s);
  } catch (err: unknown) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export const jsonBuiltins: Readonly<Record<string, HostFn>> = {
  'json.marshal': (x) => goJson(x),
  'json.marshal_with_options': marshalWithOptions,
  'json.unmarshal': unmarshal,
  'json.is_valid': (s) => (isString(s) ? unmarshal(s) !== undefined : false),
  'json.patch': jsonPatch,
  'json.filter': jsonFilter,
  'json.remove': jsonRemove,
};
