/**
 * OPA's intermediate representation (the `ir.Policy` JSON its planner emits), as typed
 * values. Statements are flattened: the JSON `{type, stmt: {...}}` becomes one object
 * with `type` plus the statement's fields. Field names follow the JSON form (including
 * `MakeNumberRefStmt.index`, spelled `Index` in OPA's JSON).
 */

/** A value reference: a local (by number), a boolean constant, or a string constant. */
export type Operand =
  | { readonly type: 'local'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string_index'; readonly value: number };

/** Source location: index into `static.files`, 1-based row/col (0 when unknown). */
export interface Location {
  readonly file: number;
  readonly row: number;
  readonly col: number;
}

export interface Block {
  readonly stmts: readonly Stmt[];
}

interface S<T extends string> extends Location {
  readonly type: T;
}

export interface ArrayAppendStmt extends S<'ArrayAppendStmt'> {
  readonly value: Operand;
  readonly array: number;
}
export interface AssignIntStmt extends S<'AssignIntStmt'> {
  readonly value: number;
  readonly target: number;
}
export interface AssignVarOnceStmt extends S<'AssignVarOnceStmt'> {
  readonly source: Operand;
  readonly target: number;
}
export interface AssignVarStmt extends S<'AssignVarStmt'> {
  readonly source: Operand;
  readonly target: number;
}
export interface BlockStmt extends S<'BlockStmt'> {
  readonly blocks: readonly Block[];
}
export interface BreakStmt extends S<'BreakStmt'> {
  readonly index: number;
}
export interface CallDynamicStmt extends S<'CallDynamicStmt'> {
  readonly args: readonly number[];
  readonly path: readonly Operand[];
  readonly result: number;
}
export interface CallStmt extends S<'CallStmt'> {
  readonly func: string;
  readonly args: readonly Operand[];
  readonly result: number;
}
export interface DotStmt extends S<'DotStmt'> {
  readonly source: Operand;
  readonly key: Operand;
  readonly target: number;
}
export interface EqualStmt extends S<'EqualStmt'> {
  readonly a: Operand;
  readonly b: Operand;
}
export interface IsArrayStmt extends S<'IsArrayStmt'> {
  readonly source: Operand;
}
export interface IsDefinedStmt extends S<'IsDefinedStmt'> {
  readonly source: number;
}
export interface IsObjectStmt extends S<'IsObjectStmt'> {
  readonly source: Operand;
}
export interface IsSetStmt extends S<'IsSetStmt'> {
  readonly source: Operand;
}
export interface IsUndefinedStmt extends S<'IsUndefinedStmt'> {
  readonly source: number;
}
export interface LenStmt extends S<'LenStmt'> {
  readonly source: Operand;
  readonly target: number;
}
export interface MakeArrayStmt extends S<'MakeArrayStmt'> {
  readonly capacity: number;
  readonly target: number;
}
export interface MakeNullStmt extends S<'MakeNullStmt'> {
  readonly target: number;
}
export interface MakeNumberIntStmt extends S<'MakeNumberIntStmt'> {
  readonly value: number;
  readonly target: number;
}
export interface MakeNumberRefStmt extends S<'MakeNumberRefStmt'> {
  readonly index: number;
  readonly target: number;
}
export interface MakeObjectStmt extends S<'MakeObjectStmt'> {
  readonly target: number;
}
export interface MakeSetStmt extends S<'MakeSetStmt'> {
  readonly target: number;
}
export type NopStmt = S<'NopStmt'>;
export interface NotEqualStmt extends S<'NotEqualStmt'> {
  readonly a: Operand;
  readonly b: Operand;
}
export interface NotStmt extends S<'NotStmt'> {
  readonly block: Block;
}
export interface ObjectInsertOnceStmt extends S<'ObjectInsertOnceStmt'> {
  readonly key: Operand;
  readonly value: Operand;
  readonly object: number;
}
export interface ObjectInsertStmt extends S<'ObjectInsertStmt'> {
  readonly key: Operand;
  readonly value: Operand;
  readonly object: number;
}
export interface ObjectMergeStmt extends S<'ObjectMergeStmt'> {
  readonly a: number;
  readonly b: number;
  readonly target: number;
}
export interface ResetLocalStmt extends S<'ResetLocalStmt'> {
  readonly target: number;
}
export interface ResultSetAddStmt extends S<'ResultSetAddStmt'> {
  readonly value: number;
}
export interface ReturnLocalStmt extends S<'ReturnLocalStmt'> {
  readonly source: number;
}
export interface ScanStmt extends S<'ScanStmt'> {
  readonly source: number;
  readonly key: number;
  readonly value: number;
  readonly block: Block;
}
export interface SetAddStmt extends S<'SetAddStmt'> {
  readonly value: Operand;
  readonly set: number;
}
/** `path` holds string indexes; empty means "replace the whole local". */
export interface WithStmt extends S<'WithStmt'> {
  readonly local: number;
  readonly path: readonly number[];
  readonly value: Operand;
  readonly block: Block;
}

export type Stmt =
  | ArrayAppendStmt
  | AssignIntStmt
  | AssignVarOnceStmt
  | AssignVarStmt
  | BlockStmt
  | BreakStmt
  | CallDynamicStmt
  | CallStmt
  | DotStmt
  | EqualStmt
  | IsArrayStmt
  | IsDefinedStmt
  | IsObjectStmt
  | IsSetStmt
  | IsUndefinedStmt
  | LenStmt
  | MakeArrayStmt
  | MakeNullStmt
  | MakeNumberIntStmt
  | MakeNumberRefStmt
  | MakeObjectStmt
  | MakeSetStmt
  | NopStmt
  | NotEqualStmt
  | NotStmt
  | ObjectInsertOnceStmt
  | ObjectInsertStmt
  | ObjectMergeStmt
  | ResetLocalStmt
  | ResultSetAddStmt
  | ReturnLocalStmt
  | ScanStmt
  | SetAddStmt
  | WithStmt;

export type StmtType = Stmt['type'];

/** A built-in the policy calls; `decl` is OPA's type declaration, kept opaque. */
export interface BuiltinFunc {
  readonly name: string;
  /** Number of arguments, from `decl.args` (0 when the declaration has none). */
  readonly arity: number;
  readonly decl: unknown;
}

export interface IrStatic {
  readonly strings: readonly string[];
  readonly builtinFuncs: readonly BuiltinFunc[];
  readonly files: readonly string[];
}

/** An entrypoint query (`name` is e.g. "pkg/rule"). Its locals 0 and 1 are input and data. */
export interface Plan {
  readonly name: string;
  readonly blocks: readonly Block[];
}

/** A planned rule or function: params start with input (0) and data (1). */
export interface Func {
  readonly name: string;
  readonly params: readonly number[];
  readonly return: number;
  readonly blocks: readonly Block[];
  /** Rule path, e.g. ["g0", "data", "pkg", "rule"]; used by CallDynamicStmt. */
  readonly path: readonly string[];
}

export interface IrPolicy {
  readonly static: IrStatic;
  readonly plans: readonly Plan[];
  readonly funcs: readonly Func[];
}
