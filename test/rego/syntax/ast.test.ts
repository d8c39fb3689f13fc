import t from 'tap';
import {
  formatExpr,
  formatTerm,
  parseModule,
  parseQuery,
  parseTerm,
  withoutLocations,
  type Expr,
  type Rule,
  type Term,
} from '../../../src/rego/syntax/index.js';

/** Compact prefix notation of a term: calls as `name(args)`, refs as `ref(head, keys)`. */
function sexp(x: Term): string {
  switch (x.type) {
    case 'call': {
      const head = x.operator.head.type === 'var' ? x.operator.head.name : sexp(x.operator.head);
      const name = [head, ...x.operator.path.map((k) => (k.type === 'string' ? k.value : sexp(k)))].join('.');
      return `${name}(${x.args.map(sexp).join(', ')})`;
    }
    case 'ref':
      return `ref(${[x.head, ...x.path].map(sexp).join(', ')})`;
    default:
      return formatTerm(x);
  }
}

function only(source: string): Expr {
  const [e, ...rest] = parseQuery(source);
  if (e === undefined || rest.length > 0) throw new Error(`expected one expression in ${source}`);
  return e;
}

function termOf(source: string): Term {
  const e = only(source);
  if (e.type !== 'termExpr') throw new Error(`${source} is not a term expression`);
  return e.term;
}

t.test('numbers keep their source text; a leading minus is folded', async (t) => {
  t.same(withoutLocations(parseTerm('1e400')), { type: 'number', text: '1e400' });
  t.same(withoutLocations(parseTerm('-1')), { type: 'number', text: '-1' });
  t.same(withoutLocations(parseTerm('12345678901234567890.000000000000000000001')), {
    type: 'number',
    text: '12345678901234567890.000000000000000000001',
  });
  t.equal(sexp(parseTerm('.5')), '.5');
  t.equal(sexp(parseTerm('- 2.5e-3')), '-2.5e-3');
  t.equal(sexp(termOf('x - 1')), 'minus(x, 1)');
  t.equal(sexp(termOf('x - -1')), 'minus(x, -1)');
  t.equal(sexp(termOf('[1, -1]')), '[1, -1]');
});

t.test('strings decode JSON escapes; raw strings are verbatim', async (t) => {
  t.same(withoutLocations(parseTerm('"a\\n\\t\\"\\u00e9\\ud83d\\ude00\\/"')), { type: 'string', value: 'a\n\t"é😀/' });
  t.same(withoutLocations(parseTerm('`a\\n\nb`')), { type: 'string', value: 'a\\n\nb' });
});

t.test('refs: head term plus a path of terms', async (t) => {
  t.same(withoutLocations(parseTerm('a.b[c]["d"]')), {
    type: 'ref',
    head: { type: 'var', name: 'a' },
    path: [
      { type: 'string', value: 'b' },
      { type: 'var', name: 'c' },
      { type: 'string', value: 'd' },
    ],
  });
  t.equal(sexp(parseTerm('input')), 'ref(input)', 'bare input is a ref');
  t.equal(sexp(parseTerm('data.x[_]')), 'ref(data, "x", _)', 'the wildcard stays `_`');
  t.equal(sexp(parseTerm('f(x).y[0]')), 'ref(f(x), "y", 0)');
  t.equal(sexp(parseTerm('[1, 2][0]')), 'ref([1, 2], 0)');
  t.same(
    parseQuery('a [0]').map((e) => formatExpr(e)),
    ['a', '[0]'],
    'a ref needs its brackets attached',
  );
});

t.test('infix operators become calls with OPA names and precedence', async (t) => {
  const cases: readonly [string, string][] = [
    ['1 + 2 * 3', 'plus(1, mul(2, 3))'],
    ['1 - 2 - 3', 'minus(minus(1, 2), 3)'],
    ['a / b % c', 'rem(div(a, b), c)'],
    ['a | b & c', 'or(a, and(b, c))'],
    ['(a | b) & c', 'and(or(a, b), c)'],
    ['x == 1 + 2', 'equal(x, plus(1, 2))'],
    ['a != b', 'neq(a, b)'],
    ['a < b', 'lt(a, b)'],
    ['a <= b', 'lte(a, b)'],
    ['a > b', 'gt(a, b)'],
    ['a >= b', 'gte(a, b)'],
    ['x = y', 'eq(x, y)'],
    ['x := y + 1', 'assign(x, plus(y, 1))'],
    ['x in xs', 'internal.member_2(x, xs)'],
    ['k, v in xs', 'internal.member_3(k, v, xs)'],
    ['x == y in z', 'internal.member_2(equal(x, y), z)'],
    ['count(xs) > 0', 'gt(count(xs), 0)'],
    ['a.b.c(x, y)', 'a.b.c(x, y)'],
    ['contains(x, "a")', 'contains(x, "a")'],
  ];
  for (const [src, want] of cases) t.equal(sexp(termOf(src)), want, src);
});

t.test('composites and comprehensions', async (t) => {
  t.same(withoutLocations(parseTerm('set()')), { type: 'set', items: [] });
  t.same(withoutLocations(parseTerm('{}')), { type: 'object', entries: [] });
  t.equal(parseTerm('{1}').type, 'set');
  const obj = parseTerm('{[1]: {"a"}, "b": 2}');
  t.equal(
    obj.type === 'object' ? obj.entries.map((e) => `${sexp(e.key)}=${sexp(e.value)}`).join(' ') : '',
    '[1]={"a"} "b"=2',
  );
  t.equal(parseTerm('[x | x := xs[_]]').type, 'arrayComprehension');
  t.equal(parseTerm('{x | x := xs[_]}').type, 'setComprehension');
  t.equal(parseTerm('{k: v | v := xs[k]}').type, 'objectComprehension');
  t.equal(parseTerm('{a | b}').type, 'setComprehension', 'OPA prefers the comprehension');
  t.equal(sexp(parseTerm('{(a | b)}')), '{(a | b)}');
  t.equal(parseTerm('[x | x := 1; x > 0]').type === 'arrayComprehension' ? 2 : 0, 2);
});

t.test('expressions: not, with, some and every', async (t) => {
  const negated = only('not allow with input.user as "bob" with data.roles as {}');
  t.equal(negated.type === 'termExpr' && negated.negated, true);
  t.same(
    negated.with.map((w) => `${sexp(w.target)}=${sexp(w.value)}`),
    ['ref(input, "user")="bob"', 'ref(data, "roles")={}'],
  );
  t.same(withoutLocations(only('some x, y')), {
    type: 'someDecl',
    vars: [
      { type: 'var', name: 'x' },
      { type: 'var', name: 'y' },
    ],
    with: [],
  });
  const someIn = only('some k, v in input.xs');
  t.same(someIn.type === 'someIn' ? [someIn.key && sexp(someIn.key), sexp(someIn.value), sexp(someIn.domain)] : [], [
    'k',
    'v',
    'ref(input, "xs")',
  ]);
  const someOne = only('some x in xs');
  t.equal(someOne.type === 'someIn' ? someOne.key : 'not some-in', null);
  const every = only('every i, c in input.cs { c.ok; i > 0 }');
  t.same(every.type === 'every' ? [every.key?.name, every.value.name, sexp(every.domain), every.body.length] : [], [
    'i',
    'c',
    'ref(input, "cs")',
    2,
  ]);
});

t.test('template strings alternate text and expressions', async (t) => {
  const tpl = parseTerm('$"a {x.y} \\{b} {1 + 2}"');
  t.equal(tpl.type, 'templateString');
  t.same(
    tpl.type === 'templateString'
      ? tpl.parts.map((p) => (p.type === 'string' ? `text:${p.value}` : `expr:${formatExpr(p)}`))
      : [],
    ['text:a ', 'expr:x.y', 'text: {b} ', 'expr:1 + 2'],
  );
  const raw = parseTerm('$`line1\n{x}`');
  t.same(raw.type === 'templateString' ? raw.parts.map((p) => p.type) : [], ['string', 'termExpr']);
  const nested = parseTerm('$"{$"{a}"}"');
  t.equal(nested.type === 'templateString' ? nested.parts[0]?.type : '', 'termExpr');
});

t.test('queries are bodies separated by ; or newlines', async (t) => {
  t.equal(parseQuery('x := 1; y := 2\nz := 3').length, 3);
  t.equal(parseQuery('x := 1 y := 2').length, 2, 'top-level statements need no separator, as in OPA');
  t.throws(() => parseQuery('[x | x := 1 y := 2]'), {
    message: /unexpected identifier token: expected \\n or ; or \]/,
  });
});

const MODULE = `# METADATA
# title: pkg
package acme.policies["v-1"]

import data.lib.util as u
import input.request
import rego.v1

# just a comment
default allow := false

# METADATA
# title: allow
# description: admins
allow if {
	input.user == "admin"
}

deny contains msg if msg := "no"

violations[name] := v if {
	some name, v in input.checks
}

a.b.c := 1

f(x, _) := y if y := x * 2

g(x) := "big" if x > 10 else := "small" if x < 1 else := "mid"

empty if set() == set()
`;

function rule(rules: readonly Rule[], name: string): Rule {
  const r = rules.find(
    (x) => x.head.ref.map((k) => (k.type === 'var' ? k.name : k.type === 'string' ? k.value : '?')).join('.') === name,
  );
  if (r === undefined) throw new Error(`no rule ${name}`);
  return r;
}

t.test('modules: package, imports, rule kinds, annotations', async (t) => {
  const m = parseModule(MODULE, { file: 'm.rego' });
  t.equal(sexp(m.package.path), 'ref(data, "acme", "policies", "v-1")');
  t.same(
    m.package.annotations.map((a) => a.text),
    ['title: pkg'],
  );
  t.same(
    m.imports.map((i) => [sexp(i.path), i.alias]),
    [
      ['ref(data, "lib", "util")', 'u'],
      ['ref(input, "request")', null],
      ['ref(rego, "v1")', null],
    ],
  );
  t.same(
    m.comments.map((c) => c.text),
    [' just a comment'],
  );
  const allowDefault = m.rules[0];
  t.same(
    [
      allowDefault?.isDefault,
      allowDefault?.kind,
      allowDefault?.head.value && sexp(allowDefault.head.value),
      allowDefault?.body,
    ],
    [true, 'single', 'false', null],
  );
  const allow = m.rules[1];
  t.same(
    allow?.annotations.map((a) => a.text),
    ['title: allow\ndescription: admins'],
  );
  t.same(
    [allow?.kind, allow?.head.value, allow?.body?.length],
    ['single', null, 1],
    'no value written: null means true',
  );
  const deny = rule(m.rules, 'deny');
  t.same([deny.kind, deny.head.key && sexp(deny.head.key), deny.body?.length], ['multi', 'msg', 1]);
  const violations = rule(m.rules, 'violations.name');
  t.same([violations.kind, violations.head.value && sexp(violations.head.value)], ['single', 'v']);
  const abc = rule(m.rules, 'a.b.c');
  t.same([abc.kind, abc.head.assign, abc.body], ['single', true, null]);
  const f = rule(m.rules, 'f');
  t.same([f.kind, f.head.args?.map(sexp)], ['function', ['x', '_']]);
  const g = rule(m.rules, 'g');
  t.same(
    g.else.map((e) => [e.value && sexp(e.value), e.body?.length ?? 0]),
    [
      ['"small"', 1],
      ['"mid"', 0],
    ],
  );
  t.equal(rule(m.rules, 'empty').body?.length, 1, '`p if set() == set()` is one expression');
});

t.test('locations are 1-based rows and columns of where each node starts', async (t) => {
  const m = parseModule('package p\n\nallow if {\n\tx := input.a + 1\n}\n', { file: 'l.rego' });
  const allow = m.rules[0];
  t.same(allow?.loc, { file: 'l.rego', row: 3, col: 1 });
  const expr = allow?.body?.[0];
  t.same(expr?.loc, { file: 'l.rego', row: 4, col: 2 });
  const assign = expr?.type === 'termExpr' ? expr.term : undefined;
  const rhs = assign?.type === 'call' ? assign.args[1] : undefined;
  t.same(rhs?.loc, { file: 'l.rego', row: 4, col: 7 }, 'an infix call starts at its left operand');
  const op = rhs?.type === 'call' ? rhs.operator.loc : undefined;
  t.same(op, { file: 'l.rego', row: 4, col: 15 }, 'its operator is located at the symbol');
});

t.test('rule bodies: `if` with one expression or a block, and OPA set-literal rule', async (t) => {
  const m = parseModule('package p\na if { x }\nb if {x: 1}\nc if { x | y }\n');
  const kinds = m.rules.map((r) => r.body?.map((e) => (e.type === 'termExpr' ? e.term.type : e.type)));
  t.same(
    kinds,
    [['var'], ['object'], ['setComprehension']],
    'a lone set literal is a block; other literals are expressions',
  );
});

t.test('keywords directly followed by . or [ are refs', async (t) => {
  const m = parseModule('package p\nelse.foo := 1\nfoo.if contains "a"\nq if { with.x == 1; not.y }\n');
  t.same(
    m.rules.map((r) => [
      r.kind,
      r.head.ref.map((k) => (k.type === 'var' ? k.name : k.type === 'string' ? k.value : '?')).join('.'),
    ]),
    [
      ['single', 'else.foo'],
      ['multi', 'foo.if'],
      ['single', 'q'],
    ],
  );
});
