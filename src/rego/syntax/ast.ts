/**
 * # Rego syntax tree (stage 1 of parse → compile → plan → emit)
 *
 * This file is the contract between the Rego front end (`src/rego/syntax/`) and the stages built
 * on it. It is stable: fields are only ever added. Every node is a plain, immutable object with a
 * string `type` tag (switch on it exhaustively) and a `loc` giving where it starts in the source:
 * `{ file, row, col }`, 1-based, columns counted in Unicode code points (tabs count as one), the
 * same numbers OPA reports.
 *
 * The tree follows OPA's AST (`v1/ast/policy.go`, `term.go`) with three deliberate differences:
 * syntax sugar is resolved the way OPA resolves it, values the source did not write are `null`
 * instead of being synthesised, and `_` is not renamed.
 *
 * ## Terms (`Term`)
 * | type | fields | notes |
 * |---|---|---|
 * | `null`, `boolean` | `value` | |
 * | `number` | `text` | The source text, never a JS float (OPA numbers are arbitrary precision). Matches `-?(\d+(\.\d+)?\|\.\d+)([eE][+-]?\d+)?`; a leading `-` is folded into the literal (`-1` is one number, as in OPA). `.5` stays `.5`. Magnitudes beyond 2^±100000 are rejected at parse time. |
 * | `string` | `value` | Decoded (escapes resolved); raw (backtick) strings give the same node. |
 * | `var` | `name` | `_` is the wildcard: every occurrence is a distinct fresh variable. OPA renames them `$0`, `$1`, … at parse time; here that is left to the compiler. |
 * | `ref` | `head`, `path` | `a.b[c]["d"]` is `head: var a`, `path: [string "b", var c, string "d"]`. Dotted keys are `string` terms. `head` is a `var`, or a composite, comprehension or `call` (`f(x).y`). A bare `data` or `input` is a `ref` with an empty path, as in OPA. |
 * | `array`, `set` | `items` | `set()` is an empty `set`; `{}` is an empty `object`. |
 * | `object` | `entries: {key, value}[]` | Source order; keys may be any term. |
 * | `arrayComprehension`, `setComprehension` | `term`, `body` | |
 * | `objectComprehension` | `key`, `value`, `body` | |
 * | `call` | `operator: RefTerm`, `args` | Function calls and every infix operator. `f(x)` has operator `ref(var f)`; `a.b(x)` has `ref(var a, ["b"])`. |
 * | `templateString` | `parts` | `$"a{x}b"` / `` $`…` ``: `string` terms for the literal text and `termExpr` nodes for each `{…}`. Each expression part is evaluated like a body expression; undefined renders as `<undefined>` (OPA ≥ 1.12). |
 *
 * Infix operators become calls whose operator is a one-element ref named as in OPA:
 * `+ plus`, `- minus`, `* mul`, `/ div`, `% rem`, `& and`, `| or`, `== equal`, `!= neq`, `< lt`,
 * `<= lte`, `> gt`, `>= gte`, `= eq`, `:= assign`. `x in xs` is `internal.member_2(x, xs)` and
 * `k, v in xs` is `internal.member_3(k, v, xs)` (operator `ref(var internal, ["member_2"])`).
 * `=` and `:=` only occur as the top-level term of an expression (or spelled `eq(a, b)`).
 * Precedence, loosest first: `in`; `== != < <= > >=`; `|`; `&`; `+ -`; `* / %`. All are
 * left-associative. Parentheses leave no node.
 *
 * ## Expressions (`Expr`) and bodies (`Body = readonly Expr[]`)
 * | type | fields |
 * |---|---|
 * | `termExpr` | `negated` (`not`), `term`, `with` |
 * | `someDecl` | `vars` (`some x, y`), `with` (always empty) |
 * | `someIn` | `key` (null for `some x in xs`), `value`, `domain`, `with` (`some k, v in xs`). Key and value may be any term (patterns). |
 * | `every` | `key` (null or var), `value` (var), `domain`, `body`, `with` |
 * `with` is a list of `{ target, value }` modifiers (`x with input.a as 1 with data.b as 2`);
 * `target` is a `var` or `ref`. Bodies hold at least one expression.
 *
 * ## Modules
 * `Module = { regoVersion, package, imports, rules, comments }`.
 * - `Package.path` is a ref rooted at `data`: `package a.b` is `data.a.b` (keys are strings).
 * - `Import.path` is a ref rooted at `data`, `input`, `future` or `rego`; `alias` is the `as`
 *   name or null. `import rego.v1` and `import future.keywords…` are kept (they are no-ops in v1).
 * - `Rule`: one definition. `p if {a} {b}` (v0) yields two `Rule`s sharing one head.
 *   - `kind`: `single` (one value: `p := 1`, `p.q[x] := y`, `p[x] if …`), `multi` (the rule
 *     contributes `key` to a set: `p contains x`, or v0 `p[x] { … }`), `function` (`args` set).
 *   - `head.ref`: the rule's path below the package, first element a var (`a.b[x]` →
 *     `[var a, string "b", var x]`). For `multi` rules it excludes the key.
 *   - `head.args`: function parameters, or null for non-functions.
 *   - `head.key`: the `multi` element, else null.
 *   - `head.value`: the value as written, or null when none was written; null means `true`
 *     (OPA's generated value). `head.assign` is true for `:=`, false for `=` or no value.
 *   - `isDefault`: `default p := 1`; its body is null and it has no `else`.
 *   - `body`: null when none was written (OPA generates `true`); `p if x` and `p if { x }` are the
 *     same. `else`: the ordered `else` clauses, each with its own nullable `value` (null = true),
 *     `assign` and `body`.
 *   - `annotations`: raw `# METADATA` blocks (YAML text without the `# ` prefixes) that precede
 *     the rule. `Package.annotations` likewise.
 * - `comments`: every other comment, in source order, text after the `#`.
 *
 * ### Rule examples (v1 source → kind, ref, key, value, body)
 * | source | kind | ref | key | value | body |
 * |---|---|---|---|---|---|
 * | `p := 1` | single | `p` | null | `1` | null |
 * | `p if { x }` | single | `p` | null | null (true) | `[x]` |
 * | `p.q[r] := 2 if r := "a"` | single | `p.q[r]` | null | `2` | `[r := "a"]` |
 * | `p[x] if x := 1` | single | `p[x]` | null | null (true) | `[x := 1]` |
 * | `p contains x if x := 1` | multi | `p` | `x` | null | `[x := 1]` |
 * | `a.b contains 1` | multi | `a.b` | `1` | null | null |
 * | `f(x) := x + 1` | function | `f` | null | `plus(x, 1)` | null |
 * | `default allow := false` | single, isDefault | `allow` | null | `false` | null |
 * | v0 `deny[msg] { … }` | multi | `deny` | `msg` | null | `[…]` |
 * | v0 `p[k] = v { … }` | single | `p[k]` | null | `v` | `[…]` |
 * A `single` rule whose ref has more than one element defines one key of an object document
 * (OPA "ref heads"); vars in that ref are bound by the body. `f()` (no parameters) is a
 * `function` with empty `args`.
 *
 * ## Queries
 * `parseQuery` returns a `Body`: expressions separated by `;` or newlines (top-level statements
 * may also follow each other directly, as in OPA). `parseTerm` reads exactly one term.
 *
 * ## Checks already applied (later stages may rely on them)
 * Package first and unique; `if` before every body and `contains` for partial sets in v1 (and in
 * v0 with `import rego.v1`); no keyword as a one-element rule name (v1); every non-default
 * `single` rule has a value or a body (v1); `else` only after a body, on a ground ref, not on
 * `multi` rules; default rules have a constant value (vars/refs/calls only inside comprehensions)
 * and distinct var arguments; template expressions contain no `not`, `=`, `:=`, `some`, `every`;
 * `every` binds vars; imports are rooted at data/input/future/rego; in v1, calls to the built-ins
 * OPA 1.0 removed (`any`, `all`, `re_match`, `set_diff`, `cast_*`, `net.cidr_overlap`) are
 * errors unless the module defines that name. Not checked here (compile stage): safety,
 * recursion, conflicts, arity, unknown functions, shadowing of `input`/`data`, duplicate imports.
 */

/** A source position: 1-based row and column (code points), like OPA's location. */
export interface Loc {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

export interface NullTerm {
  readonly type: 'null';
  readonly loc: Loc;
}

export interface BooleanTerm {
  readonly type: 'boolean';
  readonly value: boolean;
  readonly loc: Loc;
}

/** `text` is the exact source spelling (with a folded leading `-`); never converted to a float. */
export interface NumberTerm {
  readonly type: 'number';
  readonly text: string;
  readonly loc: Loc;
}

export interface StringTerm {
  readonly type: 'string';
  readonly value: string;
  readonly loc: Loc;
}

export interface VarTerm {
  readonly type: 'var';
  readonly name: string;
  readonly loc: Loc;
}

export interface RefTerm {
  readonly type: 'ref';
  readonly head: Term;
  readonly path: readonly Term[];
  readonly loc: Loc;
}

/** A ref whose head is a var and whose keys are all strings: package and import paths. */
export interface PathRef extends RefTerm {
  readonly head: VarTerm;
  readonly path: readonly StringTerm[];
}

export interface ArrayTerm {
  readonly type: 'array';
  readonly items: readonly Term[];
  readonly loc: Loc;
}

export interface SetTerm {
  readonly type: 'set';
  readonly items: readonly Term[];
  readonly loc: Loc;
}

export interface ObjectEntry {
  readonly key: Term;
  readonly value: Term;
}

export interface ObjectTerm {
  readonly type: 'object';
  readonly entries: readonly ObjectEntry[];
  readonly loc: Loc;
}

export interface ArrayComprehension {
  readonly type: 'arrayComprehension';
  readonly term: Term;
  readonly body: Body;
  readonly loc: Loc;
}

export interface SetComprehension {
  readonly type: 'setComprehension';
  readonly term: Term;
  readonly body: Body;
  readonly loc: Loc;
}

export interface ObjectComprehension {
  readonly type: 'objectComprehension';
  readonly key: Term;
  readonly value: Term;
  readonly body: Body;
  readonly loc: Loc;
}

export interface CallTerm {
  readonly type: 'call';
  readonly operator: RefTerm;
  readonly args: readonly Term[];
  readonly loc: Loc;
}

/** Literal text parts are `string` terms; each `{…}` is a `termExpr`. */
export type TemplatePart = StringTerm | TermExpr;

export interface TemplateStringTerm {
  readonly type: 'templateString';
  readonly parts: readonly TemplatePart[];
  readonly loc: Loc;
}

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm
  | TemplateStringTerm;

export interface WithModifier {
  readonly type: 'with';
  /** A `var` or `ref` (e.g. `input.x`, `data.y`, `count`). */
  readonly target: Term;
  readonly value: Term;
  readonly loc: Loc;
}

export interface TermExpr {
  readonly type: 'termExpr';
  readonly negated: boolean;
  readonly term: Term;
  readonly with: readonly WithModifier[];
  readonly loc: Loc;
}

export interface SomeDecl {
  readonly type: 'someDecl';
  readonly vars: readonly VarTerm[];
  readonly with: readonly WithModifier[];
  readonly loc: Loc;
}

export interface SomeIn {
  readonly type: 'someIn';
  readonly key: Term | null;
  readonly value: Term;
  readonly domain: Term;
  readonly with: readonly WithModifier[];
  readonly loc: Loc;
}

export interface EveryExpr {
  readonly type: 'every';
  readonly key: VarTerm | null;
  readonly value: VarTerm;
  readonly domain: Term;
  readonly body: Body;
  readonly with: readonly WithModifier[];
  readonly loc: Loc;
}

export type Expr = TermExpr | SomeDecl | SomeIn | EveryExpr;

/** One or more expressions, evaluated in order (a conjunction). */
export type Body = readonly Expr[];

export interface Annotation {
  readonly type: 'annotation';
  /** The YAML text of a `# METADATA` block: lines after the header, one `# ` prefix removed. */
  readonly text: string;
  readonly loc: Loc;
}

export interface Comment {
  readonly type: 'comment';
  /** Text after the `#`, without a trailing carriage return. */
  readonly text: string;
  readonly loc: Loc;
}

export interface Package {
  readonly type: 'package';
  readonly path: PathRef;
  readonly annotations: readonly Annotation[];
  readonly loc: Loc;
}

export interface Import {
  readonly type: 'import';
  readonly path: PathRef;
  readonly alias: string | null;
  readonly loc: Loc;
}

export type RuleKind = 'single' | 'multi' | 'function';

/** A rule path: a var followed by any terms (`a.b[x]` → var a, string "b", var x). */
export type HeadRef = readonly [VarTerm, ...Term[]];

export interface RuleHead {
  readonly type: 'head';
  readonly ref: HeadRef;
  readonly args: readonly Term[] | null;
  readonly key: Term | null;
  readonly value: Term | null;
  readonly assign: boolean;
  readonly loc: Loc;
}

export interface ElseClause {
  readonly type: 'else';
  readonly value: Term | null;
  readonly assign: boolean;
  readonly body: Body | null;
  readonly loc: Loc;
}

export interface Rule {
  readonly type: 'rule';
  readonly kind: RuleKind;
  readonly isDefault: boolean;
  readonly head: RuleHead;
  readonly body: Body | null;
  readonly else: readonly ElseClause[];
  readonly annotations: readonly Annotation[];
  readonly loc: Loc;
}

export interface Module {
  readonly type: 'module';
  /**
   * 1 when the module follows Rego v1 rules: parsed as v1, or parsed as v0 with `import rego.v1`
   * (OPA's "v0 compatible with v1"). OPA then also applies its v1 compile-time checks.
   */
  readonly regoVersion: 0 | 1;
  readonly package: Package;
  readonly imports: readonly Import[];
  readonly rules: readonly Rule[];
  readonly comments: readonly Comment[];
  readonly loc: Loc;
}

/** Exhaustiveness guard for `switch` over the `type` tags above. */
export function assertNever(value: never): never {
  throw new TypeError(`unhandled syntax node: ${JSON.stringify(value)}`);
}

/** Operator names of the infix calls, as OPA names them. */
export const MEMBER_2 = 'member_2';
export const MEMBER_3 = 'member_3';
