import type { Loc, Term } from './ast.js';
import type { RegoError } from './errors.js';
import { BASE_KEYWORDS, FUTURE_KEYWORDS, Tk, tokenName, type Token } from './tokens.js';

/** Defaults for the resource caps (see ParseOptions). */
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 512;
export const DEFAULT_MAX_ERRORS = 100;

export interface ParseOptions {
  /** File name used in locations and messages. Default: '' (OPA then prints `row:col`). */
  readonly file?: string;
  /** 1 (default, OPA 1.x syntax) or 0 (pre-1.0 syntax; future keywords need imports). */
  readonly regoVersion?: 0 | 1;
  /** Largest accepted source, in UTF-8 bytes. Default 1 MiB: bounds memory and time per file. */
  readonly maxBytes?: number;
  /** Deepest accepted nesting of terms and bodies. Default 512: blocks stack exhaustion. */
  readonly maxDepth?: number;
  /** Errors kept before the list is cut. Default 100: bounds the size of error messages. */
  readonly maxErrors?: number;
}

interface MemoEntry {
  readonly term: Term | null;
  readonly end: number;
  readonly errors: readonly RegoError[];
}

/** A saved position for backtracking: token index and error count. */
export interface Mark {
  readonly pos: number;
  readonly errors: number;
}

/**
 * Cursor over the token array plus error list. Parsing functions live in other modules and
 * take a Parser; they leave `pos` on the first token after what they consumed and return null
 * after recording at least one error (or when the parse was aborted).
 */
export class Parser {
  pos = 0;
  readonly errors: RegoError[] = [];
  /** Set when the depth cap was hit: every parse function then returns null at once. */
  fatal: RegoError | null = null;
  readonly v1: boolean;
  /** True after `import rego.v1` in a v0 module (OPA's v0-compatible-with-v1 mode). */
  v1Compatible = false;
  private readonly maxDepth: number;
  private depth = 0;
  private readonly future = new Set<string>();
  private readonly memo = new Map<number, MemoEntry>();

  readonly tokens: readonly Token[];
  readonly file: string;

  /** `tokens` must end with an EOF token (the lexer guarantees it). */
  constructor(init: {
    readonly tokens: readonly Token[];
    readonly file: string;
    readonly v1: boolean;
    readonly maxDepth: number;
  }) {
    this.tokens = init.tokens;
    this.file = init.file;
    this.v1 = init.v1;
    this.maxDepth = init.maxDepth;
    if (this.v1) this.enableKeywords(FUTURE_KEYWORDS);
  }

  get tok(): Token {
    return this.at(this.pos);
  }

  /** The current token's kind (a call, so TypeScript does not keep stale narrowings). */
  kind(): Tk {
    return this.tok.kind;
  }

  at(index: number): Token {
    const t = this.tokens[Math.min(index, this.tokens.length - 1)];
    if (t === undefined) throw new Error('token stream has no EOF token');
    return t;
  }

  next(): void {
    if (this.pos < this.tokens.length - 1) this.pos++;
  }

  loc(t: Token): Loc {
    return t.loc;
  }

  /** A method, not a getter: parsing calls change it, and a getter would be narrowed across them. */
  isAborted(): boolean {
    return this.fatal !== null;
  }

  enableKeywords(words: readonly string[]): void {
    for (const w of words) this.future.add(w);
  }

  /** The keyword `t` spells under the active keyword set, or null for identifiers and others. */
  keyword(t: Token): string | null {
    if (!t.kw) return null;
    if (BASE_KEYWORDS.has(t.text) || this.future.has(t.text)) return t.text;
    return null;
  }

  isKw(t: Token, word: string): boolean {
    return t.kind === Tk.Word && t.text === word && this.keyword(t) !== null;
  }

  /**
   * The current token is keyword `word` and does not start a ref: OPA reads `else.x`, `if[y]`,
   * `with.z` (a keyword directly followed by `.` or `[`) as refs, not keywords.
   */
  atKw(word: string): boolean {
    return this.isKw(this.tok, word) && !this.refStart();
  }

  /** OPA's keywords-in-refs: a word directly followed by `.` or `[` starts a ref, even `else`. */
  refStart(index = this.pos): boolean {
    const next = this.at(index + 1);
    return this.at(index).kind === Tk.Word && !next.ws && (next.kind === Tk.Dot || next.kind === Tk.LBrack);
  }

  /** Records an error; after an abort (depth cap) nothing more is recorded, to avoid a cascade. */
  error(loc: Loc, message: string): void {
    if (this.fatal !== null) return;
    this.errors.push({ code: 'rego_parse_error', message, loc });
  }

  /** OPA's `illegal`: "unexpected X token[: note]" at the current token. */
  unexpected(note = ''): void {
    const t = this.tok;
    if (t.kind === Tk.Illegal) return;
    const kw = this.keyword(t);
    const what = kw !== null ? `${kw} keyword` : `${tokenName(t.kind)} token`;
    this.error(this.loc(t), note === '' ? `unexpected ${what}` : `unexpected ${what}: ${note}`);
  }

  /**
   * Adds OPA's hint to a bare "unexpected X token" just reported at token `t`, where the missing
   * part should have started (OPA reports both; one message carrying the hint reads better).
   */
  hint(note: string, t: Token): void {
    const last = this.errors[this.errors.length - 1];
    if (last?.loc !== t.loc || t.kind === Tk.Illegal) return;
    const kw = this.keyword(t);
    const bare = `unexpected ${kw !== null ? `${kw} keyword` : `${tokenName(t.kind)} token`}`;
    if (last.message === bare) this.errors[this.errors.length - 1] = { ...last, message: `${bare}: ${note}` };
  }

  mark(): Mark {
    return { pos: this.pos, errors: this.errors.length };
  }

  restore(m: Mark): void {
    this.pos = m.pos;
    this.errors.length = m.errors;
  }

  /** Enters one nesting level (term or body); past maxDepth the whole parse is aborted. */
  enter(): boolean {
    if (this.fatal !== null) return false;
    if (this.depth > this.maxDepth) {
      this.fatal = {
        code: 'rego_parse_error',
        message: `max parsing recursion depth exceeded: nesting deeper than ${this.maxDepth} levels; flatten the policy or raise maxDepth`,
        loc: this.tok.loc,
      };
      return false;
    }
    this.depth++;
    return true;
  }

  leave(): void {
    this.depth--;
  }

  /**
   * Term parses are memoised by start position (with the errors they raised), so that the
   * backtracking between sets, objects and comprehensions stays linear instead of exponential.
   * Returns undefined on a miss; on a hit, moves past the term and replays its errors.
   */
  memoLookup(start: number): Term | null | undefined {
    const hit = this.memo.get(start);
    if (hit === undefined) return undefined;
    if (hit.errors.length > 0) this.errors.push(...hit.errors);
    this.pos = hit.end;
    return hit.term;
  }

  /** Drops memoised terms; called between top-level statements (no backtracking crosses them). */
  forgetTerms(): void {
    this.memo.clear();
  }

  memoStore(start: number, term: Term | null, errorsBefore: number): void {
    if (this.fatal !== null) return;
    const errors = this.errors.length === errorsBefore ? NO_ERRORS : this.errors.slice(errorsBefore);
    this.memo.set(start, { term, end: this.pos, errors });
  }
}

const NO_ERRORS: readonly RegoError[] = [];
