/** Statement emission: locals, nested blocks, and the policy-wide string and file tables. */
import type { Block, BuiltinFunc, Location, Operand, Stmt } from '../ir/index.js';
import { builtinDeclarations } from '../catalogue/index.js';
import type { Loc } from '../compile/index.js';

const DECLARATIONS: ReadonlyMap<string, unknown> = new Map(builtinDeclarations.map((d) => [d.name, d.decl]));

/** A statement without its location (the emitter adds it). */
export type StmtBody = Stmt extends infer S ? (S extends Stmt ? Omit<S, keyof Location> : never) : never;

export class Statics {
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  readonly builtins = new Map<string, BuiltinFunc>();

  string(value: string): number {
    const hit = this.stringIndex.get(value);
    if (hit !== undefined) return hit;
    const i = this.strings.push(value) - 1;
    this.stringIndex.set(value, i);
    return i;
  }

  file(name: string): number {
    const hit = this.fileIndex.get(name);
    if (hit !== undefined) return hit;
    const i = this.files.push(name) - 1;
    this.fileIndex.set(name, i);
    return i;
  }

  /** Records a called built-in with its declaration (imagegate's, else a minimal one). */
  builtin(name: string, arity: number): void {
    if (this.builtins.has(name)) return;
    const known = DECLARATIONS.get(name);
    const args = Array.from({ length: arity }, () => ({ type: 'any' }));
    this.builtins.set(name, { name, arity, decl: known ?? { type: 'function', args, result: { type: 'any' } } });
  }
}

/** Emits statements into the current block; nested blocks are built with `block`. */
export class Emitter {
  private stmts: Stmt[] = [];
  private location: Location = { file: 0, row: 0, col: 0 };

  constructor(
    private readonly statics: Statics,
    private nextLocal: number,
  ) {}

  local(): number {
    return this.nextLocal++;
  }

  at(loc: Loc): void {
    this.location = { file: this.statics.file(loc.file === '' ? '<query>' : loc.file), row: loc.row, col: loc.col };
  }

  emit(s: StmtBody): void {
    // Location fields are appended so every statement carries file/row/col.
    const full: Stmt = { ...s, ...this.location };
    this.stmts.push(full);
  }

  /** Runs `fn` collecting its statements into a fresh block. */
  block(fn: () => void): Block {
    const saved = this.stmts;
    this.stmts = [];
    try {
      fn();
      return { stmts: this.stmts };
    } finally {
      this.stmts = saved;
    }
  }

  /** Moves `op` into a local when it is a constant (scans and merges need locals). */
  toLocal(op: Operand): number {
    if (op.type === 'local') return op.value;
    const l = this.local();
    this.emit({ type: 'AssignVarStmt', source: op, target: l });
    return l;
  }

  str(value: string): Operand {
    return { type: 'string_index', value: this.statics.string(value) };
  }
}

export const local = (value: number): Operand => ({ type: 'local', value });
export const FALSE: Operand = { type: 'bool', value: false };
export const TRUE: Operand = { type: 'bool', value: true };
