import type { Comment } from './ast.js';
import type { RegoError } from './errors.js';
import { isAnyKeyword, Tk, type Token } from './tokens.js';

/**
 * Hand-written Rego lexer. The whole source is tokenised up front (the parser backtracks by
 * index). Template strings are split into parts here: `$"a{x}b"` yields Template("a"), Word(x),
 * RBrace, Template("b", end). Braces are counted per open template expression so that the `}`
 * closing `{x}` resumes the template text, exactly like OPA's scanner continuation.
 * Errors are located at the start of the offending token (as OPA reports them) and the token
 * becomes `Illegal`, so the parser fails there without reporting it a second time.
 */
export interface LexResult {
  readonly tokens: readonly Token[];
  readonly comments: readonly Comment[];
  readonly errors: readonly RegoError[];
}

export function lex(source: string, file: string): LexResult {
  const lexer = new Lexer(source, file);
  lexer.run();
  return { tokens: lexer.tokens, comments: lexer.comments, errors: lexer.errors };
}

const C_TAB = 9;
const C_LF = 10;
const C_CR = 13;
const C_SPACE = 32;
const C_QUOTE = 34;
const C_HASH = 35;
const C_BACKSLASH = 92;
const C_BACKTICK = 96;
const C_LBRACE = 123;
const C_RBRACE = 125;
const BOM = 0xfeff;

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isDecimal(c: number): boolean {
  return c >= 48 && c <= 57;
}

const UNICODE_DIGIT = /^\p{Nd}$/u;

/** Single-character punctuation; two-character operators are handled separately. */
const SIMPLE: ReadonlyMap<number, Tk> = new Map<number, Tk>([
  [91, Tk.LBrack],
  [93, Tk.RBrack],
  [40, Tk.LParen],
  [41, Tk.RParen],
  [44, Tk.Comma],
  [59, Tk.Semicolon],
  [46, Tk.Dot],
  [43, Tk.Plus],
  [45, Tk.Minus],
  [42, Tk.Mul],
  [47, Tk.Quo],
  [37, Tk.Rem],
  [38, Tk.And],
  [124, Tk.Or],
]);

/** `X=` pairs: first char → [kind alone, kind with '=']. */
const WITH_EQ: ReadonlyMap<number, readonly [Tk, Tk]> = new Map<number, readonly [Tk, Tk]>([
  [58, [Tk.Colon, Tk.Assign]],
  [61, [Tk.Unify, Tk.Equal]],
  [60, [Tk.Lt, Tk.Lte]],
  [62, [Tk.Gt, Tk.Gte]],
]);

const SIMPLE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [C_QUOTE, '"'],
  [C_BACKSLASH, '\\'],
  [47, '/'],
  [98, '\b'],
  [102, '\f'],
  [110, '\n'],
  [114, '\r'],
  [116, '\t'],
]);

interface OpenTemplate {
  depth: number;
  readonly raw: boolean;
}

interface Start {
  readonly row: number;
  readonly col: number;
  readonly offset: number;
}

class Lexer {
  readonly tokens: Token[] = [];
  readonly comments: Comment[] = [];
  readonly errors: RegoError[] = [];
  private i = 0;
  private row = 1;
  private col = 1;
  private nl = false;
  private ws = false;
  private failed = false;
  private readonly templates: OpenTemplate[] = [];

  constructor(
    private readonly src: string,
    private readonly file: string,
  ) {}

  run(): void {
    if (this.src.charCodeAt(0) === BOM) this.i = 1;
    for (;;) {
      this.skipTrivia();
      if (this.i >= this.src.length) {
        this.push(Tk.EOF, '', this.start(), false);
        return;
      }
      this.scanToken();
    }
  }

  private start(): Start {
    return { row: this.row, col: this.col, offset: this.i };
  }

  private push(kind: Tk, text: string, at: Start, tplEnd: boolean): void {
    const failed = this.failed;
    this.failed = false;
    this.tokens.push({
      kind: failed ? Tk.Illegal : kind,
      text,
      nl: this.nl,
      ws: this.ws,
      tplEnd,
      kw: kind === Tk.Word && isAnyKeyword(text),
      loc: { file: this.file, row: at.row, col: at.col },
    });
    this.nl = false;
    this.ws = false;
  }

  private error(at: Start, message: string): void {
    this.failed = true;
    this.errors.push({ code: 'rego_parse_error', message, loc: { file: this.file, row: at.row, col: at.col } });
  }

  /** Advances one code point, keeping row and column (code points, 1-based) in step. */
  private step(): void {
    const c = this.src.charCodeAt(this.i);
    this.i += c >= 0xd800 && c <= 0xdbff && this.isLowSurrogate(this.i + 1) ? 2 : 1;
    if (c === C_LF) {
      this.row++;
      this.col = 1;
    } else {
      this.col++;
    }
  }

  private isLowSurrogate(at: number): boolean {
    const c = this.src.charCodeAt(at);
    return c >= 0xdc00 && c <= 0xdfff;
  }

  private skipTrivia(): void {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(this.i);
      if (c === C_SPACE || c === C_TAB || c === C_CR) {
        this.i++;
        this.col++;
        this.ws = true;
      } else if (c === C_LF) {
        this.i++;
        this.row++;
        this.col = 1;
        this.ws = true;
        this.nl = true;
      } else if (c === C_HASH) {
        this.scanComment();
        this.ws = true;
      } else {
        return;
      }
    }
  }

  private scanComment(): void {
    const at = this.start();
    let end = this.src.indexOf('\n', this.i);
    if (end < 0) end = this.src.length;
    let text = this.src.slice(this.i + 1, end);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    while (this.i < end) this.step();
    this.comments.push({ type: 'comment', text, loc: { file: this.file, row: at.row, col: at.col } });
  }

  private scanToken(): void {
    const c = this.src.charCodeAt(this.i);
    if (isLetter(c)) return this.scanWord();
    if (isDecimal(c)) return this.scanNumber();
    const simple = SIMPLE.get(c);
    if (simple !== undefined) return this.single(simple);
    const pair = WITH_EQ.get(c);
    if (pair !== undefined) return this.scanWithEq(pair);
    switch (c) {
      case C_QUOTE:
        return this.scanString();
      case C_BACKTICK:
        return this.scanRawString();
      case C_LBRACE:
        return this.scanLBrace();
      case C_RBRACE:
        return this.scanRBrace();
      case 33:
        return this.scanBang();
      case 36:
        return this.scanDollar();
      default:
        return this.scanIllegal(c);
    }
  }

  private single(kind: Tk): void {
    const at = this.start();
    this.i++;
    this.col++;
    this.push(kind, '', at, false);
  }

  private scanWithEq(pair: readonly [Tk, Tk]): void {
    const at = this.start();
    this.i++;
    this.col++;
    if (this.src.charCodeAt(this.i) === 61) {
      this.i++;
      this.col++;
      this.push(pair[1], '', at, false);
    } else {
      this.push(pair[0], '', at, false);
    }
  }

  private scanBang(): void {
    const at = this.start();
    this.step();
    if (this.src.charCodeAt(this.i) === 61) {
      this.step();
      this.push(Tk.Neq, '', at, false);
      return;
    }
    this.error(at, 'illegal ! character');
    this.push(Tk.Illegal, '!', at, false);
  }

  private scanIllegal(c: number): void {
    const at = this.start();
    this.step();
    if (c === 0) this.error(at, 'illegal null character');
    else if (c === BOM) this.error(at, 'illegal byte-order mark');
    else this.error(at, 'illegal token');
    this.push(Tk.Illegal, this.src.slice(at.offset, this.i), at, false);
  }

  private isIdentPart(): boolean {
    const c = this.src.charCodeAt(this.i);
    if (isLetter(c) || isDecimal(c)) return true;
    if (c < 128 || Number.isNaN(c)) return false;
    const cp = this.src.codePointAt(this.i);
    return cp !== undefined && UNICODE_DIGIT.test(String.fromCodePoint(cp));
  }

  private scanWord(): void {
    const at = this.start();
    this.i++;
    this.col++;
    while (this.isIdentPart()) this.step();
    this.push(Tk.Word, this.src.slice(at.offset, this.i), at, false);
  }

  private digits(): boolean {
    const from = this.i;
    while (isDecimal(this.src.charCodeAt(this.i))) {
      this.i++;
      this.col++;
    }
    return this.i > from;
  }

  /** OPA's scanNumber: digits, optional fraction and exponent; trailing letters are illegal. */
  private scanNumber(): void {
    const at = this.start();
    this.digits();
    if (this.src.charCodeAt(this.i) === 46) {
      this.step();
      if (!this.digits()) this.error(at, 'expected fraction');
    }
    const e = this.src.charCodeAt(this.i);
    if (e === 101 || e === 69) {
      this.step();
      const sign = this.src.charCodeAt(this.i);
      if (sign === 43 || sign === 45) this.step();
      if (!this.digits()) this.error(at, 'expected exponent');
    }
    if (isLetter(this.src.charCodeAt(this.i))) {
      this.error(at, 'illegal number format');
      while (this.isIdentPart()) this.step();
    }
    this.push(Tk.Number, this.src.slice(at.offset, this.i), at, false);
  }

  private scanString(): void {
    const at = this.start();
    this.step();
    const value = this.scanQuoted(at, C_QUOTE, false);
    this.push(Tk.String, value.text, at, false);
  }

  private scanRawString(): void {
    const at = this.start();
    this.step();
    const from = this.i;
    for (;;) {
      if (this.i >= this.src.length) {
        this.error(at, 'non-terminated string');
        this.push(Tk.String, this.src.slice(from), at, false);
        return;
      }
      if (this.src.charCodeAt(this.i) === C_BACKTICK) break;
      this.step();
    }
    const text = this.src.slice(from, this.i);
    this.step();
    this.push(Tk.String, text, at, false);
  }

  /**
   * Reads a double-quoted string or template part after its opening delimiter. Stops after the
   * closing quote (`end`) or, for templates, after an unescaped `{`.
   */
  private scanQuoted(at: Start, close: number, template: boolean): { text: string; end: boolean } {
    let out = '';
    let seg = this.i;
    for (;;) {
      const c = this.src.charCodeAt(this.i);
      if (this.i >= this.src.length || c === C_LF) {
        this.error(at, 'non-terminated string');
        return { text: out + this.src.slice(seg, this.i), end: true };
      }
      if (c === close || (template && c === C_LBRACE)) {
        out += this.src.slice(seg, this.i);
        this.step();
        return { text: out, end: c === close };
      }
      if (c !== C_BACKSLASH) {
        this.step();
        continue;
      }
      out += this.src.slice(seg, this.i);
      out += this.scanEscape(at, template);
      seg = this.i;
    }
  }

  /** Decodes one JSON escape (plus `\{` in templates) starting at the backslash. */
  private scanEscape(at: Start, template: boolean): string {
    const e = this.src.charCodeAt(this.i + 1);
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined || (template && e === C_LBRACE)) {
      this.i += 2;
      this.col += 2;
      return simple ?? '{';
    }
    if (e === 117) {
      const hex = this.src.slice(this.i + 2, this.i + 6);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        this.i += 6;
        this.col += 6;
        return String.fromCharCode(parseInt(hex, 16));
      }
      this.error(at, `illegal string literal: ${this.literalAround(at)}`);
      this.step();
      return '';
    }
    this.error(at, 'illegal escape sequence');
    this.step();
    return '';
  }

  private literalAround(at: Start): string {
    const end = this.src.indexOf('\n', at.offset);
    return this.src.slice(at.offset, end < 0 ? this.src.length : end);
  }

  private scanDollar(): void {
    const at = this.start();
    this.step();
    const c = this.src.charCodeAt(this.i);
    if (c !== C_QUOTE && c !== C_BACKTICK) {
      this.error(at, 'illegal $ character');
      this.push(Tk.Illegal, '$', at, false);
      return;
    }
    this.step();
    this.scanTemplatePart(at, c === C_BACKTICK);
  }

  private scanTemplatePart(at: Start, raw: boolean): void {
    const part = raw ? this.scanRawTemplate(at) : this.scanQuoted(at, C_QUOTE, true);
    const failed = this.failed;
    this.push(Tk.Template, part.text, at, part.end);
    if (!part.end && !failed) this.templates.push({ depth: 0, raw });
  }

  private scanRawTemplate(at: Start): { text: string; end: boolean } {
    let out = '';
    let seg = this.i;
    for (;;) {
      if (this.i >= this.src.length) {
        this.error(at, 'non-terminated string');
        return { text: out + this.src.slice(seg), end: true };
      }
      const c = this.src.charCodeAt(this.i);
      if (c === C_BACKTICK || c === C_LBRACE) {
        out += this.src.slice(seg, this.i);
        this.step();
        return { text: out, end: c === C_BACKTICK };
      }
      if (c === C_BACKSLASH && this.src.charCodeAt(this.i + 1) === C_LBRACE) {
        out += this.src.slice(seg, this.i) + '{';
        this.i += 2;
        this.col += 2;
        seg = this.i;
        continue;
      }
      this.step();
    }
  }

  private scanLBrace(): void {
    const open = this.templates[this.templates.length - 1];
    if (open !== undefined) open.depth++;
    this.single(Tk.LBrace);
  }

  /** A `}` that closes a template expression is followed by the template's next part. */
  private scanRBrace(): void {
    const open = this.templates[this.templates.length - 1];
    if (open === undefined || open.depth > 0) {
      if (open !== undefined) open.depth--;
      this.single(Tk.RBrace);
      return;
    }
    this.single(Tk.RBrace);
    const at = this.start();
    const part = open.raw ? this.scanRawTemplate(at) : this.scanQuoted(at, C_QUOTE, true);
    this.push(Tk.Template, part.text, at, part.end);
    if (part.end) this.templates.pop();
  }
}
