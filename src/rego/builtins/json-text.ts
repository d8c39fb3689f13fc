/**
 * A JSON reader that keeps every number's source text, for host built-ins that must see big
 * integers exactly (the SDK's JSON.parse rounds them to doubles). Returns undefined on any
 * syntax error. Nesting is bounded: deeper input is rejected rather than overflowing the stack.
 */
export class NumberText {
  constructor(readonly text: string) {}
}

export type LosslessValue = null | boolean | string | NumberText | LosslessValue[] | { [key: string]: LosslessValue };

const MAX_DEPTH = 512;

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  ws(): void {
    while (this.pos < this.src.length && ' \t\n\r'.includes(this.src.charAt(this.pos))) this.pos++;
  }

  value(depth: number): LosslessValue {
    if (depth > MAX_DEPTH) throw new SyntaxError('too deep');
    this.ws();
    const c = this.src.charAt(this.pos);
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, val] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.src.startsWith(word, this.pos)) {
        this.pos += word.length;
        return val;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.src.slice(this.pos));
    if (m === null) throw new SyntaxError(`unexpected ${c}`);
    this.pos += m[0].length;
    return new NumberText(m[0]);
  }

  object(depth: number): LosslessValue {
    this.pos++;
    const out: { [key: string]: LosslessValue } = {};
    this.ws();
    if (this.src.charAt(this.pos) === '}') { this.pos++; return out; }
    for (;;) {
      this.ws();
      const key = this.string();
      this.ws();
      if (this.src.charAt(this.pos++) !== ':') throw new SyntaxError('expected :');
      Object.defineProperty(out, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.src.charAt(this.pos++);
      if (c === '}') return out;
      if (c !== ',') throw new SyntaxError('expected , or }');
    }
  }

  array(depth: number): LosslessValue {
    this.pos++;
    const out: LosslessValue[] = [];
    this.ws();
    if (this.src.charAt(this.pos) === ']') { this.pos++; return out; }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.src.charAt(this.pos++);
      if (c === ']') return out;
      if (c !== ',') throw new SyntaxError('expected , or ]');
    }
  }

  string(): string {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.src.slice(this.pos));
    if (m === null) throw new SyntaxError('bad string');
    this.pos += m[0].length;
    const parsed: unknown = JSON.parse(m[0]);
    if (typeof parsed !== 'string') throw new SyntaxError('bad string');
    return parsed;
  }
}

export function parseLossless(text: string): LosslessValue | undefined {
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
