/**
 * The compiled program: the contract between compile and plan. Every name is resolved
 * (rules and imports become `dataRef`s, `input` an `inputRef`), local variables are renamed
 * so each is unique within its rule (display names kept for query results and messages),
 * `_` became fresh `$N` vars, `some … in …` became iteration, bodies are reordered for safety,
 * and calls name their target (built-in or rule path).
 */
import type { Loc } from '../syntax/index.js';

export type { Loc };

export interface CNull {
  readonly type: 'null';
  readonly loc: Loc;
}
export interface CBoolean {
  readonly type: 'boolean';
  readonly value: boolean;
  readonly loc: Loc;
}
export interface CNumber {
  readonly type: 'number';
  readonly text: string;
  readonly loc: Loc;
}
export interface CString {
  readonly type: 'string';
  readonly value: string;
  readonly loc: Loc;
}
/** A local variable; `name` is unique within the rule or query. */
export interface CVar {
  readonly type: 'var';
  readonly name: string;
  readonly loc: Loc;
}
/** `data.a.b[x]`: path below the data root. */
export interface CDataRef {
  readonly type: 'dataRef';
  readonly path: readonly CTerm[];
  readonly loc: Loc;
}
/** `input.a[x]`. */
export interface CInputRef {
  readonly type: 'inputRef';
  readonly path: readonly CTerm[];
  readonly loc: Loc;
}
/** A ref whose head is a local var or a composite, e.g. `x.y[i]`, `[1, 2][i]`, `f(x).y`. */
export interface CRef {
  readonly type: 'ref';
  readonly head: CTerm;
  readonly path: readonly CTerm[];
  readonly loc: Loc;
}
export interface CArray {
  readonly type: 'array';
  readonly items: readonly CTerm[];
  readonly loc: Loc;
}
export interface CSet {
  readonly type: 'set';
  readonly items: readonly CTerm[];
  readonly loc: Loc;
}
export interface CObject {
  readonly type: 'object';
  readonly entries: readonly { readonly key: CTerm; readonly value: CTerm }[];
  readonly loc: Loc;
}
export interface CArrayCompr {
  readonly type: 'arrayCompr';
  readonly term: CTerm;
  readonly body: CBody;
  readonly loc: Loc;
}
export interface CSetCompr {
  readonly type: 'setCompr';
  readonly term: CTerm;
  readonly body: CBody;
  readonly loc: Loc;
}
export interface CObjectCompr {
  readonly type: 'objectCompr';
  readonly key: CTerm;
  readonly value: CTerm;
  readonly body: CBody;
  readonly loc: Loc;
}
export type CallTarget =
  { readonly kind: 'builtin'; readonly name: string } | { readonly kind: 'user'; readonly path: readonly string[] };
/** A call used as a value (`count(x) + 1`); its result must be defined. */
export interface CCall {
  readonly type: 'call';
  readonly target: CallTarget;
  readonly args: readonly CTerm[];
  readonly loc: Loc;
}
/** `$"a{x}b"`: string parts and expression parts; an expression part is a body producing its value var. */
export interface CTemplate {
  readonly type: 'template';
  readonly parts: readonly (
    | { readonly kind: 'text'; readonly value: string }
    | { readonly kind: 'expr'; readonly body: CBody; readonly out: CVar }
  )[];
  readonly loc: Loc;
}

export type CTerm =
  | CNull
  | CBoolean
  | CNumber
  | CString
  | CVar
  | CDataRef
  | CInputRef
  | CRef
  | CArray
  | CSet
  | CObject
  | CArrayCompr
  | CSetCompr
  | CObjectCompr
  | CCall
  | CTemplate;

/** What a `with` replaces: part of input/data, or a function (built-in or rule path). */
export type WithTarget =
  | { readonly kind: 'input'; readonly path: readonly string[] }
  | { readonly kind: 'data'; readonly path: readonly string[] }
  | { readonly kind: 'function'; readonly target: CallTarget };

/** A `with` value: a term, or (for function targets) another function. */
export type WithValue =
  { readonly kind: 'term'; readonly term: CTerm } | { readonly kind: 'function'; readonly target: CallTarget };

export interface CWith {
  readonly target: WithTarget;
  readonly value: WithValue;
  readonly loc: Loc;
}

/** The expression forms after rewriting. */
export type CCore =
  /** `a = b` / `a := b`: unification. */
  | { readonly type: 'unify'; readonly a: CTerm; readonly b: CTerm }
  /** A call statement; `output` is the captured result (`count(x, n)`), null when not captured. */
  | {
      readonly type: 'call';
      readonly target: CallTarget;
      readonly args: readonly CTerm[];
      readonly output: CTerm | null;
    }
  /** A bare term: fails when undefined or false. */
  | { readonly type: 'term'; readonly term: CTerm }
  | {
      readonly type: 'every';
      readonly key: CVar | null;
      readonly value: CVar;
      readonly domain: CTerm;
      readonly body: CBody;
    };

export interface CExpr {
  readonly core: CCore;
  readonly negated: boolean;
  readonly with: readonly CWith[];
  readonly loc: Loc;
}

export type CBody = readonly CExpr[];

export type CRuleKind = 'complete' | 'set' | 'object' | 'function';

/** One rule definition. */
export interface CRule {
  /** `complete` (one value), `set` (contains), `object` (var keys in the head), `function`. */
  readonly kind: CRuleKind;
  /** The longest all-string prefix of the head ref below data (package + rule name + keys). */
  readonly path: readonly string[];
  /** Head ref terms past `path` (object rules: at least one). */
  readonly keys: readonly CTerm[];
  /** Function parameters (patterns), null unless a function. */
  readonly args: readonly CTerm[] | null;
  /** The contributed set element (set rules). */
  readonly element: CTerm | null;
  readonly value: CTerm;
  readonly body: CBody;
  readonly else: readonly { readonly value: CTerm; readonly body: CBody; readonly loc: Loc }[];
  readonly isDefault: boolean;
  readonly loc: Loc;
}

export interface CQuery {
  readonly body: CBody;
  /** Named query variables (renamed var → display name), in order of first appearance. */
  readonly vars: readonly { readonly name: string; readonly display: string }[];
}

export interface Program {
  readonly rules: readonly CRule[];
  /** Every package path (below data), including packages without rules. */
  readonly packages: readonly (readonly string[])[];
  readonly query: CQuery | null;
}
