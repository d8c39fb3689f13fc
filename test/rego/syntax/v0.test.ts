import t from 'tap';
import {
  formatExpr,
  formatModule,
  formatRegoErrors,
  formatTerm,
  parseModule,
  parseModuleResult,
  syntaxEqual,
  type Module,
} from '../../../src/rego/syntax/index.js';

const GATEKEEPER = `package k8srequiredlabels

violation[{"msg": msg, "details": {"missing_labels": missing}}] {
  provided := {label | input.review.object.metadata.labels[label]}
  required := {label | label := input.parameters.labels[_]}
  missing := required - provided
  count(missing) > 0
  msg := sprintf("you must provide labels: %v", [missing])
}

deny[msg] {
  container := input.review.object.spec.containers[_]
  not startswith(container.image, "registry.example.com/")
  msg := sprintf("image %v is not from the trusted registry", [container.image])
}

default allow = false

allow {
  input.user == "admin"
} {
  input.user == "root"
}

labels[key] = value {
  value := input.review.object.metadata.labels[key]
}
`;

function v0(source: string): Module {
  return parseModule(source, { file: 'gk.rego', regoVersion: 0 });
}

t.test('Gatekeeper-style v0 policies parse with regoVersion 0', async (t) => {
  const m = v0(GATEKEEPER);
  const [violation, deny, allowDefault, allow1, allow2, labels] = m.rules;
  t.equal(m.rules.length, 6);
  t.equal(violation?.kind, 'multi', 'violation[{…}] { … } is a partial set');
  t.same(
    violation?.head.ref.map((x) => formatTerm(x)),
    ['violation'],
  );
  t.equal(
    violation?.head.key === null || violation?.head.key === undefined ? '' : formatTerm(violation.head.key),
    '{"msg": msg, "details": {"missing_labels": missing}}',
  );
  t.equal(violation?.body?.length, 5);
  t.equal(deny?.kind, 'multi');
  t.equal(deny?.head.key?.type, 'var');
  const containerExpr = deny?.body?.[0];
  t.equal(
    containerExpr === undefined ? '' : formatExpr(containerExpr),
    'container := input.review.object.spec.containers[_]',
  );
  t.equal(allowDefault?.isDefault, true);
  t.equal(allowDefault?.head.assign, false, '`=` is kept');
  t.ok(
    allow1 !== undefined && allow2 !== undefined && syntaxEqual(allow1.head, allow2.head),
    'p { } { } gives two rules with one head',
  );
  t.not(allow1?.body, allow2?.body);
  t.equal(labels?.kind, 'single', 'labels[key] = value { } is a one-value rule per key');
  t.same(
    labels?.head.ref.map((x) => formatTerm(x)),
    ['labels', 'key'],
  );
});

t.test('the same policies fail in v1 with OPA messages', async (t) => {
  const result = parseModuleResult(GATEKEEPER, { file: 'gk.rego' });
  t.notOk(result.ok);
  const text = result.ok ? '' : formatRegoErrors(result.errors);
  t.match(text, 'gk.rego:3:1: rego_parse_error: `if` keyword is required before rule body');
  t.match(text, 'gk.rego:3:1: rego_parse_error: `contains` keyword is required for partial set rules');
  t.match(text, 'gk.rego:11:1: rego_parse_error: `contains` keyword is required for partial set rules');
  t.match(text, 'gk.rego:19:1: rego_parse_error: `if` keyword is required before rule body');
  t.match(text, 'gk.rego:21:3: rego_parse_error: `if` keyword is required before rule body');
  t.match(text, 'gk.rego:25:1: rego_parse_error: `if` keyword is required before rule body');
  t.match(text, /^7 errors occurred:/);
});

t.test('formatting a v0 module gives v1 text with the same meaning', async (t) => {
  const m = v0(GATEKEEPER);
  const text = formatModule(m);
  t.match(text, 'violation contains {"msg": msg, "details": {"missing_labels": missing}} if {');
  t.match(text, 'deny contains msg if {');
  t.equal(m.regoVersion, 0);
  t.ok(syntaxEqual(parseModule(text), { ...m, regoVersion: 1 }), 'v1 parse of the formatted text equals the v0 tree');
});

t.test('v0 keywords need imports', async (t) => {
  const some = 'package p\nq { some x in [1] }\n';
  t.notOk(parseModuleResult(some, { regoVersion: 0 }).ok, '`in` is not a keyword without an import');
  t.ok(parseModuleResult(`package p\nimport future.keywords.in\n${some.slice(10)}`, { regoVersion: 0 }).ok);
  t.ok(
    parseModuleResult('package p\nimport future.keywords.every\nq { every x in [1] { x } }\n', { regoVersion: 0 }).ok,
    'every brings in',
  );
  t.ok(parseModuleResult('package p\nimport future.keywords\nq contains 1 if { true }\n', { regoVersion: 0 }).ok);
  const ifVar = v0('package p\nq { if := 1; if > 0 }\n');
  t.equal(ifVar.rules[0]?.body?.length, 2, '`if` is a plain variable in v0');
  const contains = v0('package p\ncontains[x] { x := 1 }\n');
  t.equal(contains.rules[0]?.head.ref[0].name, 'contains');
});

t.test('import rego.v1 in a v0 module turns on v1 keywords and checks', async (t) => {
  t.equal(
    parseModule('package p\nimport rego.v1\nq contains x if { some x in [1] }\n', { regoVersion: 0 }).regoVersion,
    1,
  );
  const result = parseModuleResult('package p\nimport rego.v1\nq[x] { x := 1 }\n', { regoVersion: 0, file: 'p.rego' });
  t.same(result.ok ? [] : result.errors.map((e) => e.message), [
    '`if` keyword is required before rule body',
    '`contains` keyword is required for partial set rules',
  ]);
});

t.test('a v0 rule with else chains and functions', async (t) => {
  const m = v0('package p\nf(x) = "a" { x > 1 } else = "b" { x < 0 } else = "c"\n');
  const [f] = m.rules;
  t.equal(f?.kind, 'function');
  t.same(
    f?.else.map((e) => (e.value === null ? null : formatTerm(e.value))),
    ['"b"', '"c"'],
  );
  t.equal(f?.else[1]?.body, null);
});
