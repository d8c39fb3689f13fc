/**
 * Negation over expressions whose refs or nested calls are undefined, as OPA evaluates it,
 * through the whole pipeline (parse → compile → plan → wasm → the stock opa-wasm SDK).
 *
 * Where the expected values come from (OPA v1/ast/compile.go, stages run on every rule body
 * before planning or evaluation; see src/rego/plan/hoist.ts):
 * [EXPR]    RewriteExprTerms (expandExpr/expandExprTerm): a call nested in an expression's
 *           terms is moved into its own generated expression *before* the expression, which
 *           is not negated. `not f(g(x))` is `g(x, t); not f(t)`.
 * [DYN]     RewriteDynamicTerms (rewriteDynamics → rewriteDynamicsCallExpr/rewriteDynamicsOne):
 *           in a call expression each ref argument (also inside array/object/set arguments)
 *           is moved to `t = ref` before the expression: `not f(input.x)` is
 *           `t = input.x; not f(t)`, undefined when input.x is.
 * [KEYS]    rewriteDynamicsInTerm: in a unification or a bare term only the refs used as keys
 *           of a ref move; the operand ref stays inside: `not input.x` and `not input.x = 1`
 *           are true when input.x is undefined; `not input.a[input.k]` is undefined when input.k is.
 * [EQUALS]  RewriteEquals (module compiler only, not the query compiler): a statement
 *           `a == b` becomes `a = b`, so in a rule `not input.x == 1` is [KEYS] (true), while
 *           `!=`, `<`, `in` stay calls and follow [DYN].
 * [WITH]    The generated expressions take the expression's `with` modifiers
 *           (`generated.With = original.With`), so the moved ref is read under the `with`.
 * [BUILTIN] A built-in error makes the call undefined (OPA's wasm runtime; topdown without
 *           strict built-in errors), so a failing nested call fails the body per [EXPR].
 * `not` succeeds iff its expression is undefined or false (Rego reference, "Negation").
 */
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileEntrypoints, compileQuery, hostBuiltins } from '../../src/rego/index.js';

const input = { present: 2, list: ['a'], obj: { k: 'v' } };

/** Each row: a rule body; `true` when OPA's p is true, `undefined` when p is undefined. */
const rows: readonly { readonly body: string; readonly want: true | undefined; readonly why: string }[] = [
  { body: 'not startswith(input.missing, "a")', want: undefined, why: 'built-in call, undefined ref argument [DYN]' },
  { body: 'not startswith(input.obj.k, "x")', want: true, why: 'built-in call, defined argument, false result' },
  { body: 'not f(input.missing)', want: undefined, why: 'user function, undefined ref argument [DYN]' },
  { body: 'not f(input.present)', want: true, why: 'user function, defined argument, undefined result' },
  { body: 'not f([input.missing])', want: undefined, why: 'ref inside an array argument [DYN]' },
  { body: 'not f({"k": input.missing})', want: undefined, why: 'ref inside an object argument [DYN]' },
  { body: 'not f(count(input.missing))', want: undefined, why: 'nested call with an undefined argument [EXPR][DYN]' },
  { body: 'not f(g(g(input.present)))', want: true, why: 'nested user calls, all defined: f(2) is undefined' },
  { body: 'not to_number(input.obj.k) == 1', want: undefined, why: 'nested built-in that errors [EXPR][BUILTIN]' },
  { body: 'not input.missing', want: true, why: 'bare ref [KEYS]' },
  { body: 'not input.obj.k.deeper', want: true, why: 'bare ref through a string [KEYS]' },
  { body: 'not input.obj[input.missing]', want: undefined, why: 'undefined ref as a key [KEYS]' },
  { body: 'not input.obj[lower(input.missing)]', want: undefined, why: 'call as a key [EXPR]' },
  { body: 'not input.missing = 1', want: true, why: 'unification keeps its operand refs [KEYS]' },
  { body: 'not input.missing == 1', want: true, why: '== in a rule is unification [EQUALS]' },
  { body: 'not input.present == 1', want: true, why: '== false' },
  { body: 'not count(input.missing) == 0', want: undefined, why: 'nested call under == [EXPR]' },
  { body: 'not input.missing != 1', want: undefined, why: '!= is a call [EQUALS][DYN]' },
  { body: 'not input.missing < 1', want: undefined, why: '< is a call [DYN]' },
  { body: 'not "a" in input.missing', want: undefined, why: 'membership is a call [DYN]' },
  { body: 'not "b" in input.list', want: true, why: 'membership, defined collection, false' },
  { body: 'not f(input.x) with input as {"x": 2}', want: true, why: 'moved ref is read under the with [WITH]' },
  { body: 'not f(input.x) with input as {"x": 1}', want: undefined, why: 'f(1) is true under the with' },
  { body: 'not f(input.y) with input as {"x": 1}', want: undefined, why: 'undefined under the with [WITH][DYN]' },
  {
    body: 'some v in input.list; not startswith(v.missing, "a")',
    want: undefined,
    why: 'ref on an iterated var [DYN]',
  },
  { body: 'some v in input.list; not f(v)', want: true, why: 'iterated var, defined' },
  { body: 'every v in input.list { not f(v.missing) }', want: undefined, why: 'inside every: the element fails [DYN]' },
  { body: 'every v in input.list { not v.missing }', want: true, why: 'inside every: bare ref [KEYS]' },
  { body: 'h(input.obj)', want: undefined, why: 'negation inside a function body [DYN]' },
  {
    body: 'count([v | some v in input.list; not startswith(v.missing, "")]) == 0',
    want: true,
    why: 'inside a comprehension: no element [DYN]',
  },
  {
    body: 'count([v | some v in input.list; not v.missing]) == 1',
    want: true,
    why: 'inside a comprehension: bare ref [KEYS]',
  },
];

const module = [
  'package neg',
  '',
  'f(x) if x == 1',
  '',
  'g(x) := x',
  '',
  'h(x) if not startswith(x.missing, "a")',
  '',
  ...rows.map((r, i) => `p${i} if { ${r.body} }`),
  '',
].join('\n');

t.test('negated expressions evaluate refs and nested calls first, as OPA does', async (t) => {
  const entrypoints = rows.map((_, i) => `neg/p${i}`);
  const wasm = compileEntrypoints({ sources: [{ file: 'neg.rego', text: module }], entrypoints });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins({}));
  for (const [i, r] of rows.entries()) {
    const got: unknown = policy.evaluate(input, `neg/p${i}`);
    t.same(
      got,
      r.want === undefined ? [] : [{ result: true }],
      `${r.body}: ${r.want === undefined ? 'undefined' : 'true'} (${r.why})`,
    );
  }
});

/** A Gatekeeper pod-security style check: a RunAsAny rule whose parameters have no `ranges`. */
const psp = [
  'package k8spspallowedusers',
  '',
  'violation contains msg if {',
  '\tparams := input.parameters.runAsUser',
  '\tsome c in input.review.object.spec.containers',
  '\tvalue := object.get(c, ["securityContext", "runAsUser"], null)',
  '\tnot accept_value(params.rule, value, params.ranges)',
  '\tmsg := sprintf("container %v runs as %v, not allowed by %v", [c.name, value, params.rule])',
  '}',
  '',
  'accept_value("RunAsAny", _, _) := true',
  '',
  'accept_value("MustRunAs", value, ranges) if {',
  '\tsome r in ranges',
  '\tvalue >= r.min',
  '\tvalue <= r.max',
  '}',
  '',
].join('\n');

t.test(
  'a RunAsAny parameter without ranges reports no violation (OPA: the undefined argument fails the rule)',
  async (t) => {
    const wasm = compileEntrypoints({
      sources: [{ file: 'psp.rego', text: psp }],
      entrypoints: ['k8spspallowedusers/violation'],
    });
    const policy = await loadPolicy(wasm, undefined, hostBuiltins({}));
    const review = { object: { spec: { containers: [{ name: 'app', securityContext: { runAsUser: 0 } }] } } };
    t.same(policy.evaluate({ review, parameters: { runAsUser: { rule: 'RunAsAny' } } }), [{ result: [] }]);
    const ranges = [{ min: 100, max: 200 }];
    t.same(
      policy.evaluate({ review, parameters: { runAsUser: { rule: 'MustRunAs', ranges } } }),
      [{ result: ['container app runs as 0, not allowed by MustRunAs'] }],
      'outside the ranges: a violation',
    );
  },
);

t.test(
  'in a query, == stays a call: its undefined operand fails the query (OPA query compiler has no RewriteEquals)',
  async (t) => {
    const cases: readonly { readonly query: string; readonly rows: number }[] = [
      { query: 'not input.missing == 1', rows: 0 },
      { query: 'not input.missing = 1', rows: 1 },
      { query: 'not input.missing', rows: 1 },
      { query: 'not data.neg.f(input.missing)', rows: 0 },
      { query: 'not input.obj[input.missing]', rows: 0 },
    ];
    for (const c of cases) {
      const wasm = compileQuery({ sources: [{ file: 'neg.rego', text: module }], query: c.query });
      const policy = await loadPolicy(wasm, undefined, hostBuiltins({}));
      const got: unknown = policy.evaluate(input);
      t.equal(Array.isArray(got) ? got.length : -1, c.rows, `${c.query}: ${c.rows === 0 ? 'undefined' : 'true'}`);
    }
  },
);
