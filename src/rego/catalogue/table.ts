/**
 * The one table of Rego built-ins: every name OPA 1.x declares is either supported (with its
 * declaration and where it runs) or refused with the reason. The compiler, type checker,
 * planner, emitter, `imagegate policy capabilities` and the host read only this table, so a
 * call that compiles has an implementation. Tests hold the table to the runtime's exports
 * and to hostBuiltins().
 */
import { parseSignature, type BuiltinDeclaration, type BuiltinImpl, type RefusedBuiltin } from './types.js';

const SUPPORTED = `
native plus(n,n)n minus(n|S<a>,n|S<a>)n|S<a> mul(n,n)n div(n,n)n rem(n,n)n abs(n)n round(n)n ceil(n)n floor(n)n
native count(C<a>|o|s)n sum(C<n>)n product(C<n>)n max(C<a>)a min(C<a>)a sort(C<a>)A<a> all(C<a>)b any(C<a>)b
native equal(a,a)b neq(a,a)b gt(a,a)b gte(a,a)b lt(a,a)b lte(a,a)b and(S<a>,S<a>)S<a> or(S<a>,S<a>)S<a>
native intersection(S<S<a>>)S<a> union(S<S<a>>)S<a> set_diff(S<a>,S<a>)S<a>
native is_number(a)b is_string(a)b is_boolean(a)b is_array(a)b is_set(a)b is_object(a)b is_null(a)b type_name(a)s
native cast_array(a)A<a> cast_set(a)S<a> cast_string(a)s cast_boolean(a)b cast_null(a)x cast_object(a)o
native internal.member_2(a,a)b internal.member_3(a,a,a)b walk(a)A<a>
native graph.reachable(o,C<a>)S<a> graph.reachable_paths(o,C<a>)S<A<a>>
native concat(s,C<s>)s contains(s,s)b startswith(s,s)b endswith(s,s)b format_int(n,n)s indexof(s,s)n indexof_n(s,s)A<n>
native lower(s)s upper(s)s replace(s,s,s)s split(s,s)A<s> strings.any_prefix_match(s|C<s>,s|C<s>)b
native strings.any_suffix_match(s|C<s>,s|C<s>)b strings.count(s,s)n strings.replace_n(o,s)s strings.reverse(s)s
native substring(s,n,n)s trim(s,s)s trim_left(s,s)s trim_prefix(s,s)s trim_right(s,s)s trim_suffix(s,s)s trim_space(s)s
native to_number(x|b|n|s)n numbers.range(n,n)A<n>
native object.get(o,a,a)a object.union(o,o)o object.union_n(A<o>)o object.remove(o,C<a>|o)o object.filter(o,C<a>|o)o
native object.keys(o)S<a> object.subset(o|C<a>,o|C<a>)b
native array.concat(A<a>,A<a>)A<a> array.slice(A<a>,n,n)A<a> array.reverse(A<a>)A<a> array.flatten(A<a>)A<a>
inline eq(a,a)b assign(a,a)b print(*a)b
host bits.or(n,n)n bits.and(n,n)n bits.negate(n)n bits.xor(n,n)n bits.lsh(n,n)n bits.rsh(n,n)n
host sprintf(s,A<a>)s internal.template_string(A<a>)s internal.print(A<S<a>>)b opa.runtime()o
host regex.match(s,s)b re_match(s,s)b regex.is_valid(a)b regex.find_n(s,s,n)A<s> regex.find_all_string_submatch_n(s,s,n)A<A<s>>
host regex.replace(s,s,s)s regex.split(s,s)A<s> regex.template_match(s,s,s,s)b regex.globs_match(s,s)b
host glob.match(s,A<s>|x,s)b glob.quote_meta(s)s
host json.marshal(a)s json.marshal_with_options(a,o)s json.unmarshal(s)a json.is_valid(s)b json.patch(a,A<o>)a
host json.filter(o,C<A<a>|s>)a json.remove(o,C<A<a>|s>)a yaml.marshal(a)s yaml.unmarshal(s)a yaml.is_valid(s)b
host base64.encode(s)s base64.decode(s)s base64.is_valid(s)b base64url.encode(s)s base64url.encode_no_pad(s)s
host base64url.decode(s)s hex.encode(s)s hex.decode(s)s urlquery.encode(s)s urlquery.decode(s)s
host urlquery.encode_object(o)s urlquery.decode_object(s)o
host numbers.range_step(n,n,n)A<n> units.parse(s)n units.parse_bytes(s)n
host semver.compare(s,s)n semver.is_valid(a)b
host net.cidr_contains(s,s)b net.cidr_contains_matches(s|C<s|A<a>>|o,s|C<s|A<a>>|o)S<A<a>> net.cidr_expand(s)S<s>
host net.cidr_intersects(s,s)b net.cidr_is_valid(s)b net.cidr_merge(C<s>)S<s> net.cidr_overlap(s,s)b
host time.now_ns()n time.parse_ns(s,s)n time.parse_rfc3339_ns(s)n time.parse_duration_ns(s)n time.date(n|A<a>)A<n>
host time.clock(n|A<a>)A<n> time.weekday(n|A<a>)s time.add_date(n,n,n,n)n time.diff(n|A<a>,n|A<a>)A<n> time.format(n|A<a>)s
host crypto.md5(s)s crypto.sha1(s)s crypto.sha256(s)s crypto.hmac.md5(s,s)s crypto.hmac.sha1(s,s)s
host crypto.hmac.sha256(s,s)s crypto.hmac.sha512(s,s)s crypto.hmac.equal(s,s)b
host io.jwt.decode(s)A<a> io.jwt.verify_hs256(s,s)b io.jwt.verify_hs384(s,s)b io.jwt.verify_hs512(s,s)b
host io.jwt.verify_rs256(s,s)b io.jwt.verify_rs384(s,s)b io.jwt.verify_rs512(s,s)b io.jwt.verify_ps256(s,s)b
host io.jwt.verify_ps384(s,s)b io.jwt.verify_ps512(s,s)b io.jwt.verify_es256(s,s)b io.jwt.verify_es384(s,s)b
host io.jwt.verify_es512(s,s)b io.jwt.verify_eddsa(s,s)b
`;

/** Deprecated before OPA 1.0: OPA 1.x accepts calls to them in v0 modules only. */
export const DEPRECATED_BUILTINS: ReadonlySet<string> = new Set([
  'any',
  'all',
  're_match',
  'net.cidr_overlap',
  'set_diff',
  'cast_array',
  'cast_set',
  'cast_string',
  'cast_boolean',
  'cast_null',
  'cast_object',
]);

/** Built-ins whose captured output is a collection of solutions, iterated by the planner. */
const RELATIONS: ReadonlySet<string> = new Set(['walk']);

const NETWORK =
  'network access: a policy must decide from the admission request alone; outbound calls could leak requests or stall the API server';
const RANDOM = 'non-deterministic: admission decisions must be reproducible';
const GO_STRUCTS = "its result is Go's crypto/x509 structure, which imagegate does not reproduce";
const GRAPHQL = 'imagegate ships no GraphQL parser';
const JWT_SIGN = 'signing needs private keys inside policy code, and ECDSA/PSS signatures are randomised';

/** name/arity → reason. */
const REFUSED: Readonly<Record<string, string>> = {
  'http.send/1': NETWORK,
  'net.lookup_ip_addr/1': 'network access (DNS): results change over time and lookups can stall admission',
  'providers.aws.sign_req/3': 'credential handling inside policies is not supported',
  'rand.intn/2': RANDOM,
  'uuid.rfc4122/1': RANDOM,
  'trace/1': 'tracing is not available in compiled policies',
  'rego.parse_module/2': 'parsing Rego at evaluation time is not supported by the wasm target',
  'rego.metadata.chain/0': 'rule annotations are not compiled into imagegate policies',
  'rego.metadata.rule/0': 'rule annotations are not compiled into imagegate policies',
  'strings.render_template/2': "Go's text/template engine is not reproduced by imagegate",
  'uuid.parse/1': 'not implemented by imagegate',
  'json.match_schema/2': "OPA's JSON Schema error output (gojsonschema) is not reproduced by imagegate",
  'json.verify_schema/1': "OPA's JSON Schema error output (gojsonschema) is not reproduced by imagegate",
  'crypto.parse_private_keys/1': GO_STRUCTS,
  'crypto.x509.parse_and_verify_certificates/1': GO_STRUCTS,
  'crypto.x509.parse_and_verify_certificates_with_options/2': GO_STRUCTS,
  'crypto.x509.parse_certificate_request/1': GO_STRUCTS,
  'crypto.x509.parse_certificates/1': GO_STRUCTS,
  'crypto.x509.parse_keypair/2': GO_STRUCTS,
  'crypto.x509.parse_rsa_private_key/1': GO_STRUCTS,
  'graphql.is_valid/2': GRAPHQL,
  'graphql.parse/2': GRAPHQL,
  'graphql.parse_and_verify/2': GRAPHQL,
  'graphql.parse_query/1': GRAPHQL,
  'graphql.parse_schema/1': GRAPHQL,
  'graphql.schema_is_valid/1': GRAPHQL,
  'io.jwt.decode_verify/2':
    'checks exp/nbf against the clock and is not implemented by imagegate; use io.jwt.verify_* and compare the claims with time.now_ns()',
  'io.jwt.encode_sign/3': JWT_SIGN,
  'io.jwt.encode_sign_raw/3': JWT_SIGN,
};

function parseSupported(): BuiltinDeclaration[] {
  const out: BuiltinDeclaration[] = [];
  for (const line of SUPPORTED.split('\n')) {
    const [kind, ...entries] = line.trim().split(/\s+/);
    if (kind !== 'native' && kind !== 'host' && kind !== 'inline') continue;
    const impl: BuiltinImpl = kind;
    for (const e of entries) {
      const { name, decl } = parseSignature(e);
      out.push({ name, decl, impl, deprecated: DEPRECATED_BUILTINS.has(name), relation: RELATIONS.has(name) });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function parseRefused(): RefusedBuiltin[] {
  return Object.entries(REFUSED).map(([key, reason]) => {
    const slash = key.lastIndexOf('/');
    return { name: key.slice(0, slash), arity: Number(key.slice(slash + 1)), reason };
  });
}

/** Every built-in imagegate compiles and runs, sorted by name. */
export const builtinDeclarations: readonly BuiltinDeclaration[] = parseSupported();

/** Built-ins OPA knows that imagegate refuses, with the reason. */
export const refusedBuiltins: readonly RefusedBuiltin[] = parseRefused();
