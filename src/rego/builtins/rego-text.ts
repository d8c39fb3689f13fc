/**
 * Reader for the Rego value text the wasm module writes for set-aware host built-ins (OPA's
 * value dump: JSON plus sets `{a, b}` / `set()` and objects with non-string keys). Sets become
 * RegoSet; integers beyond 2^53 become bigint; numbers too large for a double keep their text
 * (NumberText); a non-string object key becomes its Rego text. Returns undefined on any syntax
 * error. Nesting is bounded, so hostile input cannot overflow the stack.
 */
import { formatNumber, formatValue } from './format.js';
import { NumberText } from './number-text.js';
import { isArray, isObject, isRegoSet, RegoSet, setOwn } from './values.js';

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** A JSON string: any code unit but `"`, `\` and controls (U+0000–U+001F), or an escape. */
const STRING = /"(?:[\u0020\u0021\u0023-\u005b\u005d-\uffff]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  ws(): void {
    while (' \t\n\r'.includes(this.src.charAt(this.pos)) && this.pos < this.src.length) this.pos++;
  }

  eat(word: string): boolean {
    if (!this.src.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new SyntaxError('too deep');
    this.ws();
    const c = this.src.charAt(this.pos);
    if (c === '{') return this.braces(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (this.eat('true')) return true;
    if (this.eat('false')) return false;
    if (this.eat('null')) return null;
    if (this.eat('set()')) return new RegoSet([]);
    return this.number();
  }

  number(): unknown {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.src);
    if (m === null) throw new SyntaxError(`unexpected ${this.src.charAt(this.pos)}`);
    this.pos += m[0].length;
    const t = m[0];
    if (/^-?\d+$/.test(t)) {
      const big = BigInt(t);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    const f = Number(t);
    return Number.isFinite(f) ? f : new NumberText(t);
  }

  string(): string {
    STRING.lastIndex = this.pos;
    const m = STRING.exec(this.src);
    if (m === null) throw new SyntaxError('bad string');
    this.pos += m[0].length;
    const parsed: unknown = JSON.parse(m[0]);
    if (typeof parsed !== 'string') throw new SyntaxError('bad string');
    return parsed;
  }

  /** `close` or `,` after an element; true at the end. */
  next(close: string): boolean {
    this.ws();
    const c = this.src.charAt(this.pos++);
    if (c === close) return true;
    if (c !== ',') throw new SyntaxError(`expected , or ${close}`);
    return false;
  }

  array(depth: number): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.eat(']')) return out;
    do out.push(this.value(depth + 1));
    while (!this.next(']'));
    return out;
  }

  /** An object or a non-empty set: the first element decides (a `:` after it means object). */
  braces(depth: number): unknown {
    this.pos++;
    this.ws();
    if (this.eat('}')) return {};
    const first = this.value(depth + 1);
    this.ws();
    if (!this.eat(':')) {
      const elems = [first];
      while (!this.next('}')) elems.push(this.value(depth + 1));
      return new RegoSet(elems);
    }
    const out: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      setOwn(out, typeof key === 'string' ? key : formatValue(key), this.value(depth + 1));
      if (this.next('}')) return out;
      key = this.value(depth + 1);
      this.ws();
      if (!this.eat(':')) throw new SyntaxError('expected :');
    }
  }
}

/** The value of Rego value text, or undefined when it is not well formed. */
export function parseRegoText(text: string): unknown {
  try {
    const r = new Reader(text);
    const v = r.value(0);
    r.ws();
    return r.pos === text.length ? v : undefined;
  } catch (err: unknown) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * Rego value text of a host result that the runtime parses back with its value reader
 * (HOST_TEXT_RESULTS): JSON plus sets (`{1, 2}`, `set()`); integers beyond 2^53 (bigint)
 * and NumberText stay exact. Strings use JSON escapes, which that reader understands.
 */
export function regoText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
    case 'string':
      return JSON.stringify(v);
    default:
      break;
  }
  if (isArray(v)) return `[${v.map(regoText).join(',')}]`;
  if (isRegoSet(v)) return v.elems.length === 0 ? 'set()' : `{${v.elems.map(regoText).join(',')}}`;
  if (v instanceof NumberText) return v.text;
  if (isObject(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${regoText(x)}`)
      .join(',')}}`;
  return 'null';
}
