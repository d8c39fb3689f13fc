import { ImagegateError } from '../errors/index.js';

/**
 * Parses an AdmissionReview body strictly. JSON.parse alone accepts duplicate keys (last wins),
 * which lets a crafted body show one image to us and another to a reader that keeps the first;
 * and deep nesting can exhaust the stack of every recursive walk after parsing. One linear scan
 * rejects both before JSON.parse builds anything.
 */
export function parseStrictJson(opts: { readonly text: string; readonly maxDepth: number }): unknown {
  const problem = scan(opts.text, opts.maxDepth);
  if (problem !== undefined) {
    throw new ImagegateError('IMAGEGATE_REQUEST_MALFORMED', problem);
  }
  try {
    return JSON.parse(opts.text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'syntax error';
    throw new ImagegateError(
      'IMAGEGATE_REQUEST_MALFORMED',
      `request body is not valid JSON (${detail}); the API server sends a JSON AdmissionReview`,
      { cause: err },
    );
  }
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** Returns a problem description, or undefined when depth and keys are fine. Never throws. */
function scan(text: string, maxDepth: number): string | undefined {
  // One entry per open container: the keys seen so far for objects, null for arrays.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined; // unterminated: JSON.parse reports it
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
      if (stack.length >= maxDepth)
        return `JSON nesting deeper than ${maxDepth} levels at offset ${i}; no Kubernetes object nests this deep`;
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
