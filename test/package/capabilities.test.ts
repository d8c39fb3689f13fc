/**
 * "Compiles" means "runs": every built-in `imagegate policy capabilities` lists is called once
 * in a bundle built by the package entry (`buildBundle` from 'imagegate'), evaluated with the
 * stock SDK and `hostBuiltins()` from 'imagegate', and must answer its value, never
 * "not implemented". Deprecated built-ins are called from a v0 module, as OPA 1.x allows.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../fixtures/shared.js';
import { runConsumer } from './consumer.js';
import { keyPairFor, signJwt, type JwtAlg } from '../fixtures/jwt.js';

const run = promisify(execFile);

/** Expected value, or a predicate for values that depend on the moment (time.now_ns). */
type Expect = { readonly value: unknown } | { readonly check: (v: unknown) => boolean };

interface Sample {
  /** A Rego expression (the rule is `NAME := expr`), or a whole rule with NAME as its name. */
  readonly expr?: string;
  readonly rule?: string;
  readonly expect: Expect;
}

const v = (value: unknown): Expect => ({ value });
const hex = (alg: string, s: string): Expect => v(createHash(alg).update(s).digest('hex'));
const hmac = (alg: string, msg: string, key: string): Expect => v(createHmac(alg, key).update(msg).digest('hex'));

const rego = (s: string): string => JSON.stringify(s);

/** io.jwt.*: tokens signed here, verified by the policy with the public key (HS*: the secret). */
function jwtSamples(): Record<string, Sample> {
  const out: Record<string, Sample> = {};
  const claims = { sub: 'ci' };
  const hs = signJwt({ alg: 'HS256', claims, key: 'secret' });
  out['io.jwt.decode'] = {
    expr: `io.jwt.decode(${rego(hs)})`,
    expect: v([{ alg: 'HS256', typ: 'JWT' }, claims, Buffer.from(hs.split('.')[2] ?? '', 'base64url').toString('hex')]),
  };
  const algs: JwtAlg[] = [
    'HS256',
    'HS384',
    'HS512',
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
  ];
  for (const alg of algs) {
    const pair = alg.startsWith('HS') ? undefined : keyPairFor(alg);
    const token = signJwt({ alg, claims, key: pair?.privateKey ?? 'secret' });
    out[`io.jwt.verify_${alg.toLowerCase()}`] = {
      expr: `io.jwt.verify_${alg.toLowerCase()}(${rego(token)}, ${rego(pair?.publicPem ?? 'secret')})`,
      expect: v(true),
    };
  }
  return out;
}

/** One call per built-in (sets come back from the SDK as sorted arrays). */
const SAMPLES: Readonly<Record<string, Sample>> = {
  ...jwtSamples(),
  abs: { expr: 'abs(-2)', expect: v(2) },
  all: { expr: 'all([true, true])', expect: v(true) },
  and: { expr: 'and({1, 2}, {2, 3})', expect: v([2]) },
  any: { expr: 'any([false, true])', expect: v(true) },
  'array.concat': { expr: 'array.concat([1], [2])', expect: v([1, 2]) },
  'array.flatten': { expr: 'array.flatten([1, [2, [3]]])', expect: v([1, 2, [3]]) },
  'array.reverse': { expr: 'array.reverse([1, 2])', expect: v([2, 1]) },
  'array.slice': { expr: 'array.slice([1, 2, 3], 1, 2)', expect: v([2]) },
  assign: { rule: 'NAME if {\n\tassign(x, 1)\n\tx == 1\n}', expect: v(true) },
  'base64.decode': { expr: 'base64.decode("aGk=")', expect: v('hi') },
  'base64.encode': { expr: 'base64.encode("hi")', expect: v('aGk=') },
  'base64.is_valid': { expr: 'base64.is_valid("aGk=")', expect: v(true) },
  'base64url.decode': { expr: 'base64url.decode("aGk=")', expect: v('hi') },
  'base64url.encode': { expr: 'base64url.encode("hi")', expect: v('aGk=') },
  'base64url.encode_no_pad': { expr: 'base64url.encode_no_pad("hi")', expect: v('aGk') },
  'bits.and': { expr: 'bits.and(12, 10)', expect: v(8) },
  'bits.lsh': { expr: 'bits.lsh(1, 70) == 1180591620717411303424', expect: v(true) },
  'bits.negate': { expr: 'bits.negate(5)', expect: v(-6) },
  'bits.or': { expr: 'bits.or(12, 10)', expect: v(14) },
  'bits.rsh': { expr: 'bits.rsh(-16, 2)', expect: v(-4) },
  'bits.xor': { expr: 'bits.xor(12, 10)', expect: v(6) },
  cast_array: { expr: 'cast_array({2, 1})', expect: v([1, 2]) },
  cast_boolean: { expr: 'cast_boolean(true)', expect: v(true) },
  cast_null: { expr: 'cast_null(null)', expect: v(null) },
  cast_object: { expr: 'cast_object({"a": 1})', expect: v({ a: 1 }) },
  cast_set: { expr: 'cast_set([1, 1, 2])', expect: v([1, 2]) },
  cast_string: { expr: 'cast_string("s")', expect: v('s') },
  ceil: { expr: 'ceil(1.2)', expect: v(2) },
  concat: { expr: 'concat(",", ["a", "b"])', expect: v('a,b') },
  contains: { expr: 'contains("abc", "b")', expect: v(true) },
  count: { expr: 'count([1, 2])', expect: v(2) },
  'crypto.hmac.equal': { expr: 'crypto.hmac.equal("a", "a")', expect: v(true) },
  'crypto.hmac.md5': { expr: 'crypto.hmac.md5("msg", "key")', expect: hmac('md5', 'msg', 'key') },
  'crypto.hmac.sha1': { expr: 'crypto.hmac.sha1("msg", "key")', expect: hmac('sha1', 'msg', 'key') },
  'crypto.hmac.sha256': { expr: 'crypto.hmac.sha256("msg", "key")', expect: hmac('sha256', 'msg', 'key') },
  'crypto.hmac.sha512': { expr: 'crypto.hmac.sha512("msg", "key")', expect: hmac('sha512', 'msg', 'key') },
  'crypto.md5': { expr: 'crypto.md5("a")', expect: hex('md5', 'a') },
  'crypto.sha1': { expr: 'crypto.sha1("a")', expect: hex('sha1', 'a') },
  'crypto.sha256': { expr: 'crypto.sha256("a")', expect: hex('sha256', 'a') },
  div: { expr: 'div(6, 3)', expect: v(2) },
  endswith: { expr: 'endswith("abc", "c")', expect: v(true) },
  eq: { rule: 'NAME if {\n\teq(1, 1)\n}', expect: v(true) },
  equal: { expr: 'equal(1, 1)', expect: v(true) },
  floor: { expr: 'floor(1.8)', expect: v(1) },
  format_int: { expr: 'format_int(255, 16)', expect: v('ff') },
  'glob.match': { expr: 'glob.match("*.example.com", ["."], "a.example.com")', expect: v(true) },
  'glob.quote_meta': { expr: 'glob.quote_meta("*.com")', expect: v('\\*.com') },
  'graph.reachable': { expr: 'graph.reachable({"a": ["b"], "b": []}, ["a"])', expect: v(['a', 'b']) },
  'graph.reachable_paths': { expr: 'graph.reachable_paths({"a": ["b"], "b": []}, ["a"])', expect: v([['a', 'b']]) },
  gt: { expr: 'gt(2, 1)', expect: v(true) },
  gte: { expr: 'gte(1, 1)', expect: v(true) },
  'hex.decode': { expr: 'hex.decode("6869")', expect: v('hi') },
  'hex.encode': { expr: 'hex.encode("hi")', expect: v('6869') },
  indexof: { expr: 'indexof("abc", "c")', expect: v(2) },
  indexof_n: { expr: 'indexof_n("abcb", "b")', expect: v([1, 3]) },
  'internal.member_2': { expr: 'internal.member_2(1, [1])', expect: v(true) },
  'internal.member_3': { expr: 'internal.member_3(0, 1, [1])', expect: v(true) },
  'internal.print': { rule: 'NAME if {\n\tinternal.print([{"direct"}])\n}', expect: v(true) },
  'internal.template_string': { expr: 'internal.template_string(["a", 1])', expect: v('a1') },
  intersection: { expr: 'intersection({{1, 2}, {2}})', expect: v([2]) },
  is_array: { expr: 'is_array([])', expect: v(true) },
  is_boolean: { expr: 'is_boolean(true)', expect: v(true) },
  is_null: { expr: 'is_null(null)', expect: v(true) },
  is_number: { expr: 'is_number(1)', expect: v(true) },
  is_object: { expr: 'is_object({})', expect: v(true) },
  is_set: { expr: 'is_set(set())', expect: v(true) },
  is_string: { expr: 'is_string("")', expect: v(true) },
  'json.filter': { expr: 'json.filter({"a": 1, "b": 2}, ["a"])', expect: v({ a: 1 }) },
  'json.is_valid': { expr: 'json.is_valid("{}")', expect: v(true) },
  'json.marshal': { expr: 'json.marshal({"a": 1})', expect: v('{"a":1}') },
  'json.marshal_with_options': {
    expr: 'json.marshal_with_options({"a": 1}, {"pretty": true, "indent": " "})',
    expect: v('{\n "a": 1\n}'),
  },
  'json.patch': { expr: 'json.patch({"a": 1}, [{"op": "add", "path": "/b", "value": 2}])', expect: v({ a: 1, b: 2 }) },
  'json.remove': { expr: 'json.remove({"a": 1, "b": 2}, ["a"])', expect: v({ b: 2 }) },
  'json.unmarshal': { expr: 'json.unmarshal("{\\"a\\": 1}")', expect: v({ a: 1 }) },
  lower: { expr: 'lower("A")', expect: v('a') },
  lt: { expr: 'lt(1, 2)', expect: v(true) },
  lte: { expr: 'lte(1, 1)', expect: v(true) },
  max: { expr: 'max([1, 3])', expect: v(3) },
  min: { expr: 'min([1, 3])', expect: v(1) },
  minus: { expr: 'minus(3, 1)', expect: v(2) },
  mul: { expr: 'mul(2, 3)', expect: v(6) },
  neq: { expr: 'neq(1, 2)', expect: v(true) },
  'net.cidr_contains': { expr: 'net.cidr_contains("10.0.0.0/8", "10.1.2.3")', expect: v(true) },
  'net.cidr_contains_matches': {
    expr: 'net.cidr_contains_matches("10.0.0.0/8", "10.1.2.3")',
    expect: v([['10.0.0.0/8', '10.1.2.3']]),
  },
  'net.cidr_expand': { expr: 'net.cidr_expand("10.0.0.0/31")', expect: v(['10.0.0.0', '10.0.0.1']) },
  'net.cidr_intersects': { expr: 'net.cidr_intersects("10.0.0.0/8", "10.1.0.0/16")', expect: v(true) },
  'net.cidr_is_valid': { expr: 'net.cidr_is_valid("10.0.0.0/8")', expect: v(true) },
  'net.cidr_merge': { expr: 'net.cidr_merge(["10.0.0.0/25", "10.0.0.128/25"])', expect: v(['10.0.0.0/24']) },
  'net.cidr_overlap': { expr: 'net.cidr_overlap("10.0.0.0/8", "10.1.2.3")', expect: v(true) },
  'numbers.range': { expr: 'numbers.range(1, 3)', expect: v([1, 2, 3]) },
  'numbers.range_step': { expr: 'numbers.range_step(1, 5, 2)', expect: v([1, 3, 5]) },
  'object.filter': { expr: 'object.filter({"a": 1, "b": 2}, ["a"])', expect: v({ a: 1 }) },
  'object.get': { expr: 'object.get({"a": 1}, "a", 0)', expect: v(1) },
  'object.keys': { expr: 'object.keys({"a": 1})', expect: v(['a']) },
  'object.remove': { expr: 'object.remove({"a": 1, "b": 2}, ["a"])', expect: v({ b: 2 }) },
  'object.subset': { expr: 'object.subset({"a": 1, "b": 2}, {"a": 1})', expect: v(true) },
  'object.union': { expr: 'object.union({"a": 1}, {"b": 2})', expect: v({ a: 1, b: 2 }) },
  'object.union_n': { expr: 'object.union_n([{"a": 1}, {"b": 2}])', expect: v({ a: 1, b: 2 }) },
  'opa.runtime': { expr: 'opa.runtime()', expect: v({}) },
  or: { expr: 'or({1}, {2})', expect: v([1, 2]) },
  plus: { expr: 'plus(1, 2)', expect: v(3) },
  print: { rule: 'NAME if {\n\tprint("via print", 1)\n}', expect: v(true) },
  product: { expr: 'product([2, 3])', expect: v(6) },
  re_match: { expr: 're_match("a+", "aa")', expect: v(true) },
  'regex.find_all_string_submatch_n': {
    expr: 'regex.find_all_string_submatch_n("a(b)", "abab", -1)',
    expect: v([
      ['ab', 'b'],
      ['ab', 'b'],
    ]),
  },
  'regex.find_n': { expr: 'regex.find_n("a.", "abac", -1)', expect: v(['ab', 'ac']) },
  'regex.globs_match': { expr: 'regex.globs_match("a.*", "ab")', expect: v(true) },
  'regex.is_valid': { expr: 'regex.is_valid("a+")', expect: v(true) },
  'regex.match': { expr: 'regex.match("a+", "aa")', expect: v(true) },
  'regex.replace': { expr: 'regex.replace("abc", "b", "x")', expect: v('axc') },
  'regex.split': { expr: 'regex.split(",", "a,b")', expect: v(['a', 'b']) },
  'regex.template_match': {
    expr: 'regex.template_match("urn:foo:{.*}", "urn:foo:bar:baz", "{", "}")',
    expect: v(true),
  },
  rem: { expr: 'rem(7, 3)', expect: v(1) },
  replace: { expr: 'replace("abc", "b", "x")', expect: v('axc') },
  round: { expr: 'round(1.5)', expect: v(2) },
  'semver.compare': { expr: 'semver.compare("1.0.0", "2.0.0")', expect: v(-1) },
  'semver.is_valid': { expr: 'semver.is_valid("1.0.0")', expect: v(true) },
  set_diff: { expr: 'set_diff({1, 2}, {2})', expect: v([1]) },
  sort: { expr: 'sort([2, 1])', expect: v([1, 2]) },
  split: { expr: 'split("a,b", ",")', expect: v(['a', 'b']) },
  sprintf: { expr: 'sprintf("%d-%s", [1, "a"])', expect: v('1-a') },
  startswith: { expr: 'startswith("abc", "a")', expect: v(true) },
  'strings.any_prefix_match': { expr: 'strings.any_prefix_match("abc", ["a"])', expect: v(true) },
  'strings.any_suffix_match': { expr: 'strings.any_suffix_match("abc", ["c"])', expect: v(true) },
  'strings.count': { expr: 'strings.count("abab", "ab")', expect: v(2) },
  'strings.replace_n': { expr: 'strings.replace_n({"a": "x"}, "aa")', expect: v('xx') },
  'strings.reverse': { expr: 'strings.reverse("abc")', expect: v('cba') },
  substring: { expr: 'substring("abc", 1, 1)', expect: v('b') },
  sum: { expr: 'sum([1, 2])', expect: v(3) },
  'time.add_date': { expr: 'time.add_date(0, 1, 0, 0)', expect: v(31536000000000000) },
  'time.clock': { expr: 'time.clock(0)', expect: v([0, 0, 0]) },
  'time.date': { expr: 'time.date(0)', expect: v([1970, 1, 1]) },
  'time.diff': { expr: 'time.diff(0, 86400000000000)', expect: v([0, 0, 1, 0, 0, 0]) },
  'time.format': { expr: 'time.format(0)', expect: v('1970-01-01T00:00:00Z') },
  'time.now_ns': { expr: 'time.now_ns()', expect: { check: (x) => typeof x === 'number' && x > 1.7e18 } },
  'time.parse_duration_ns': { expr: 'time.parse_duration_ns("1s")', expect: v(1_000_000_000) },
  'time.parse_ns': { expr: 'time.parse_ns("2006-01-02", "1970-01-02")', expect: v(86_400_000_000_000) },
  'time.parse_rfc3339_ns': { expr: 'time.parse_rfc3339_ns("1970-01-01T00:00:01Z")', expect: v(1_000_000_000) },
  'time.weekday': { expr: 'time.weekday(0)', expect: v('Thursday') },
  to_number: { expr: 'to_number("10")', expect: v(10) },
  trim: { expr: 'trim("xax", "x")', expect: v('a') },
  trim_left: { expr: 'trim_left("xa", "x")', expect: v('a') },
  trim_prefix: { expr: 'trim_prefix("xa", "x")', expect: v('a') },
  trim_right: { expr: 'trim_right("ax", "x")', expect: v('a') },
  trim_space: { expr: 'trim_space(" a ")', expect: v('a') },
  trim_suffix: { expr: 'trim_suffix("ax", "x")', expect: v('a') },
  type_name: { expr: 'type_name(1)', expect: v('number') },
  union: { expr: 'union({{1}, {2}})', expect: v([1, 2]) },
  'units.parse': { expr: 'units.parse("1k")', expect: v(1000) },
  'units.parse_bytes': { expr: 'units.parse_bytes("1KiB")', expect: v(1024) },
  upper: { expr: 'upper("a")', expect: v('A') },
  'urlquery.decode': { expr: 'urlquery.decode("a%20b")', expect: v('a b') },
  'urlquery.decode_object': { expr: 'urlquery.decode_object("a=1&b=2")', expect: v({ a: ['1'], b: ['2'] }) },
  'urlquery.encode': { expr: 'urlquery.encode("a b")', expect: v('a+b') },
  'urlquery.encode_object': { expr: 'urlquery.encode_object({"a": "1"})', expect: v('a=1') },
  walk: { rule: 'NAME := [p | walk({"a": 1}, [p, _])]', expect: v([[], ['a']]) },
  'yaml.is_valid': { expr: 'yaml.is_valid("a: 1")', expect: v(true) },
  'yaml.marshal': { expr: 'yaml.marshal({"a": 1})', expect: v('a: 1\n') },
  'yaml.unmarshal': { expr: 'yaml.unmarshal("a: 1")', expect: v({ a: 1 }) },
};

interface Capability {
  readonly name: string;
  readonly deprecated: boolean;
}

/** The built-ins `imagegate policy capabilities` (the built CLI) lists. */
async function capabilities(): Promise<Capability[]> {
  const { stdout } = await run(
    process.execPath,
    [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'policy', 'capabilities'],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const doc: unknown = JSON.parse(stdout);
  if (typeof doc !== 'object' || doc === null || !('builtins' in doc) || !Array.isArray(doc.builtins))
    throw new Error('capabilities output has no builtins array');
  return doc.builtins.map((b: unknown): Capability => {
    if (typeof b !== 'object' || b === null || !('name' in b) || typeof b.name !== 'string')
      throw new Error(`capabilities entry without a name: ${JSON.stringify(b)}`);
    return { name: b.name, deprecated: 'deprecated' in b && b.deprecated === true };
  });
}

/** The consumer program: builds a bundle per Rego version with `buildBundle` and evaluates every rule. */
function consumerScript(
  groups: readonly {
    readonly regoVersion: 0 | 1;
    readonly rules: readonly { readonly id: string; readonly rule: string }[];
  }[],
): string {
  return `import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { buildBundle, readBundle, hostBuiltins } from 'imagegate';

const groups = ${JSON.stringify(groups)};
const results = {};
const printed = [];
for (const group of groups) {
  const text = 'package caps\\n\\n' + group.rules.map((r) => r.rule).join('\\n\\n') + '\\n';
  const bytes = await buildBundle({
    sources: [{ file: 'caps.rego', text }], entrypoints: group.rules.map((r) => 'caps/' + r.id),
    regoVersion: group.regoVersion, enablePrint: true,
  });
  const bundle = await readBundle({ bytes, source: 'caps' });
  const policy = await loadPolicy(bundle.wasm, undefined, hostBuiltins({ print: (line) => printed.push(line) }));
  policy.setData(bundle.data);
  for (const r of group.rules) {
    try {
      results[r.id] = { rows: policy.evaluate({}, 'caps/' + r.id) };
    } catch (err) {
      results[r.id] = { error: String(err && err.message ? err.message : err) };
    }
  }
}
console.log(JSON.stringify({ results, printed }));
`;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

t.test(
  'every built-in capabilities lists compiles, loads with hostBuiltins() from the package and answers its value',
  async (t) => {
    const caps = await capabilities();
    const listed = caps.map((c) => c.name).sort();
    t.same(listed, Object.keys(SAMPLES).sort(), 'the sample table covers exactly the listed built-ins');
    const ids = new Map(caps.map((c, i) => [c.name, `b${i}`]));
    const rule = (c: Capability): { id: string; rule: string } => {
      const id = ids.get(c.name) ?? 'missing';
      const s = SAMPLES[c.name];
      return { id, rule: s?.rule?.replace('NAME', id) ?? `${id} := ${s?.expr ?? 'null'}` };
    };
    const deprecated = caps.filter((c) => c.deprecated).map(rule);
    t.equal(deprecated.length, 11, 'the 11 deprecated built-ins are listed (callable from v0 modules)');
    const groups = [
      { regoVersion: 1 as const, rules: caps.filter((c) => !c.deprecated).map(rule) },
      { regoVersion: 0 as const, rules: deprecated },
    ];
    const { stdout } = await runConsumer({ script: consumerScript(groups), teardown: (fn) => t.teardown(fn) });
    const out: unknown = JSON.parse(stdout);
    if (!isRecord(out) || !isRecord(out.results)) throw new Error(`unexpected consumer output ${stdout.slice(0, 200)}`);
    const results = out.results;
    for (const c of caps) {
      const r = results[ids.get(c.name) ?? ''];
      const expect = SAMPLES[c.name]?.expect;
      if (!isRecord(r) || expect === undefined) {
        t.fail(`${c.name}: no result`);
        continue;
      }
      if (typeof r.error === 'string') {
        t.fail(`${c.name}: ${r.error}`);
        continue;
      }
      const rows = r.rows;
      const first: unknown = Array.isArray(rows) ? rows[0] : undefined;
      if (!isRecord(first) || !('result' in first)) {
        t.fail(`${c.name}: undefined (${JSON.stringify(rows)})`);
        continue;
      }
      if ('value' in expect) t.same(first.result, expect.value, c.name);
      else t.ok(expect.check(first.result), `${c.name}: ${JSON.stringify(first.result)}`);
    }
    t.same(out.printed, ['direct', 'via print 1'], 'print and internal.print reach the host print sink');
  },
);
