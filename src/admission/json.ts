import { ImagegateError } from '../errors/index.js';
import { isRecord } from '../guards/index.js';

/**
 * Parses an AdmissionReview body strictly. JSON.parse alone accepts duplicate keys (last wins),
 * which lets a crafted body show one image to us and another to a reader that keeps the first;
 * and deep nesting can exhaust the stack of every recursive walk after parsing, while building it
 * costs JSON.parse ten times what a flat body of the same size does. So a scan first refuses
 * nesting deeper than `maxDepth` before JSON.parse builds anything, and counts the keys written
 * (one `:` outside strings per key); after parsing, an object holding fewer keys than were
 * written had a duplicate, which a second, slower scan names.
 */
export function parseStrictJson(opts: { readonly text: string; readonly maxDepth: number }): unknown {
  const { text, maxDepth } = opts;
  const written = countWrittenKeys(text, maxDepth);
  if (typeof written === 'string') throw malformed(written);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'syntax error';
    throw new ImagegateError(
      'IMAGEGATE_REQUEST_MALFORMED',
      `request body is not valid JSON (${detail}); the API server sends a JSON AdmissionReview`,
      { cause: err },
    );
  }
  if (countKeys(value) !== written) throw malformed(duplicateKey(text) ?? 'a key appears twice in one object');
  return value;
}

function malformed(problem: string): ImagegateError {
  return new ImagegateError('IMAGEGATE_REQUEST_MALFORMED', problem);
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Keys written in `text` (colons outside strings: exact for any text JSON.parse accepts), or the
 * problem when nesting passes `maxDepth`. Strings are skipped by indexOf, so the loop visits only
 * the bytes between them. Never throws.
 */
function countWrittenKeys(text: string, maxDepth: number): number | string {
  let depth = 0;
  let keys = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return keys; // unterminated: JSON.parse reports it
      i = end;
    } else if (c === COLON) keys++;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth)
        return `JSON nesting deeper than ${maxDepth} levels at offset ${i}; no Kubernetes object nests this deep`;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return keys;
}

/** Keys held by every object in a parsed value (nesting already bounded by the scan). */
function countKeys(v: unknown): number {
  let n = 0;
  if (Array.isArray(v)) {
    for (const item of v) n += countKeys(item);
  } else if (isRecord(v)) {
    // JSON.parse makes own enumerable data properties only (`__proto__` included), so for-in
    // sees exactly those, without the array Object.keys would allocate.
    for (const key in v) n += 1 + countKeys(v[key]);
  }
  return n;
}

/** The first duplicate key's description, found with one key set per open object; undefined if none. */
function duplicateKey(text: string): string | undefined {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const key = decodeKey(text.slice(i, end + 1));
        if (key === undefined) return undefined;
        if (keys.has(key))
          return `duplicate key ${JSON.stringify(key.slice(0, 100))} at offset ${i}; each key may appear once in an object`;
        keys.add(key);
      }
      expectKey = false;
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      stack.push(c === OPEN_OBJECT ? new Set() : null);
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = stack[stack.length - 1] instanceof Set;
    } else if (c > 0x20) {
      expectKey = false;
    }
  }
  return undefined;
}

/** Index of the closing quote of the string opening at `start`, or -1 (indexOf runs natively). */
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start + 1);
  while (j !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
  return -1;
}

function decodeKey(quoted: string): string | undefined {
  if (!quoted.includes('\\')) return quoted.slice(1, -1);
  try {
    const v: unknown = JSON.parse(quoted);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
