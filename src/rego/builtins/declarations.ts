/**
 * Built-in declarations in OPA's capabilities JSON shape, for arity/type checks and
 * `imagegate policy capabilities`. Written as a compact table: `name(arg, arg) result`,
 * types `s` string, `n` number, `b` boolean, `x` null, `a` any, `o` object[any: any],
 * `A<t>` array of t, `S<t>` set of t, `C<t>` array-or-set of t, `t|u` union, `*` variadic.
 */
export type TypeDecl =
  | { readonly type: 'string' | 'number' | 'boolean' | 'null' }
  | { readonly type: 'any'; readonly of?: readonly TypeDecl[] }
  | { readonly type: 'array'; readonly dynamic: TypeDecl }
  | { readonly type: 'set'; readonly of: TypeDecl }
  | { readonly type: 'object'; readonly dynamic: { readonly key: TypeDecl; readonly value: TypeDecl } };

export interface BuiltinDeclaration {
  readonly name: string;
  readonly decl: { readonly type: 'function'; readonly args: readonly TypeDecl[]; readonly result: TypeDecl; readonly variadic?: TypeDecl };
  /** Where the implementation lives: the wasm runtime ("native") or the host (`hostBuiltins`). */
  readonly impl: 'native' | 'host';
}

const TABLE = `
native plus(n,n)n minus(n|S<a>,n|S<a>)n|S<a> mul(n,n)n div(n,n)n rem(n,n)n abs(n)n round(n)n ceil(n)n floor(n)n
native count(C<a>|o|s)n sum(C<n>)n product(C<n>)n max(C<a>)a min(C<a>)a sort(C<a>)A<a> all(C<a>)b any(C<a>)b
native equal(a,a)b neq(a,a)b gt(a,a)b gte(a,a)b lt(a,a)b lte(a,a)b and(S<a>,S<a>)S<a> or(S<a>,S<a>)S<a>
native intersection(S<S<a>>)S<a> union(S<S<a>>)S<a> set_diff(S<a>,S<a>)S<a>
native is_number(a)b is_string(a)b is_boolean(a)b is_array(a)b is_set(a)b is_object(a)b is_null(a)b
native bits.or(n,n)n bits.and(n,n)n bits.negate(n)n bits.xor(n,n)n bits.lsh(n,n)n bits.rsh(n,n)n
native internal.member_2(a,a)b internal.member_3(a,a,a)b walk(a)A<a> print(*a)b
native graph.reachable(o,C<a>)S<a> graph.reachable_paths(o,C<a>)S<A<a>> cast_array(a)A<a> cast_set(a)S<a>
host concat(s,C<s>)s contains(s,s)b startswith(s,s)b endswith(s,s)b format_int(n,n)s indexof(s,s)n indexof_n(s,s)A<n>
host lower(s)s upper(s)s replace(s,s,s)s split(s,s)A<s> sprintf(s,A<a>)s strings.any_prefix_match(s|C<s>,s|C<s>)b
host strings.any_suffix_match(s|C<s>,s|C<s>)b strings.count(s,s)n strings.replace_n(o,s)s strings.reverse(s)s
host substring(s,n,n)s trim(s,s)s trim_left(s,s)s trim_prefix(s,s)s trim_right(s,s)s trim_suffix(s,s)s trim_space(s)s
host to_number(x|b|n|s)n type_name(a)s internal.template_string(A<a>)s internal.print(A<S<a>>)b
host regex.match(s,s)b re_match(s,s)b regex.is_valid(a)b regex.find_n(s,s,n)A<s> regex.find_all_string_submatch_n(s,s,n)A<A<s>>
host regex.replace(s,s,s)s regex.split(s,s)A<s> regex.template_match(s,s,s,s)b regex.globs_match(s,s)b
host glob.match(s,A<s>|x,s)b glob.quote_meta(s)s
host object.get(o,a,a)a object.union(o,o)o object.union_n(A<o>)o object.remove(o,C<a>|o)o object.filter(o,C<a>|o)o
host object.keys(o)S<a> object.subset(o|C<a>,o|C<a>)b
host array.concat(A<a>,A<a>)A<a> array.slice(A<a>,n,n)A<a> array.reverse(A<a>)A<a> array.flatten(A<a>)A<a>
host json.marshal(a)s json.marshal_with_options(a,o)s json.unmarshal(s)a json.is_valid(s)b json.patch(a,A<o>)a
host json.filter(o,C<A<a>|s>)a json.remove(o,C<A<a>|s>)a yaml.marshal(a)s yaml.unmarshal(s)a yaml.is_valid(s)b
host base64.encode(s)s base64.decode(s)s base64.is_valid(s)b base64url.encode(s)s base64url.encode_no_pad(s)s
host base64url.decode(s)s hex.encode(s)s hex.decode(s)s urlquery.encode(s)s urlquery.decode(s)s
host urlquery.encode_object(o)s urlquery.decode_object(s)o
host numbers.range(n,n)A<n> numbers.range_step(n,n,n)A<n> units.parse(s)n units.parse_bytes(s)n
host semver.compare(s,s)n semver.is_valid(a)b
host net.cidr_contains(s,s)b net.cidr_contains_matches(s|C<s|A<a>>|o,s|C<s|A<a>>|o)S<A<a>> net.cidr_expand(s)S<s>
host net.cidr_intersects(s,s)b net.cidr_is_valid(s)b net.cidr_merge(C<s>)S<s> net.cidr_overlap(s,s)b
host time.now_ns()n time.parse_ns(s,s)n time.parse_rfc3339_ns(s)n time.parse_duration_ns(s)n time.date(n|A<a>)A<n>
host time.clock(n|A<a>)A<n> time.weekday(n|A<a>)s time.add_date(n,n,n,n)n time.diff(n|A<a>,n|A<a>)A<n> time.format(n|A<a>)s
host crypto.md5(s)s crypto.sha1(s)s crypto.sha256(s)s crypto.hmac.md5(s,s)s crypto.hmac.sha1(s,s)s
host crypto.hmac.sha256(s,s)s crypto.hmac.sha512(s,s)s crypto.hmac.equal(s,s)b
`;

const SCALARS: Readonly<Record<string, TypeDecl>> = {
  s: { type: 'string' }, n: { type: 'number' }, b: { type: 'boolean' }, x: { type: 'null' }, a: { type: 'any' },
  o: { type: 'object', dynamic: { key: { type: 'any' }, value: { type: 'any' } } },
};

/** Splits on `sep` at bracket depth 0. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === sep && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseType(t: string): TypeDecl {
  const alts = splitTop(t, '|');
  if (alts.length > 1) return { type: 'any', of: alts.map(parseType) };
  const m = /^([ASC])<(.*)>$/.exec(t);
  if (m !== null) {
    const inner = parseType(m[2] ?? 'a');
    if (m[1] === 'A') return { type: 'array', dynamic: inner };
    if (m[1] === 'S') return { type: 'set', of: inner };
    return { type: 'any', of: [{ type: 'array', dynamic: inner }, { type: 'set', of: inner }] };
  }
  const s = SCALARS[t];
  if (s === undefined) throw new Error(`bad type shorthand ${t}`);
  return s;
}

function parseEntry(entry: string, impl: 'native' | 'host'): BuiltinDeclaration {
  const m = /^([a-z0-9_.]+)\((.*?)\)(.+)$/.exec(entry);
  if (m === null) throw new Error(`bad declaration ${entry}`);
  const [, name = '', args = '', result = 'a'] = m;
  const argList = args === '' ? [] : splitTop(args, ',');
  const variadic = argList.length === 1 && argList[0]?.startsWith('*') === true ? parseType(argList[0].slice(1)) : undefined;
  return {
    name, impl,
    decl: variadic === undefined
      ? { type: 'function', args: argList.map(parseType), result: parseType(result) }
      : { type: 'function', args: [], variadic, result: parseType(result) },
  };
}

function parseTable(): BuiltinDeclaration[] {
  const out: BuiltinDeclaration[] = [];
  for (const line of TABLE.split('\n')) {
    const [kind, ...entries] = line.trim().split(/\s+/);
    if (kind !== 'native' && kind !== 'host') continue;
    for (const e of entries) out.push(parseEntry(e, kind));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every built-in imagegate supports, sorted by name. */
export const builtinDeclarations: readonly BuiltinDeclaration[] = parseTable();

/** Built-ins OPA knows that imagegate refuses, with the reason (for compile errors and docs). */
export const UNSUPPORTED_BUILTINS: Readonly<Record<string, string>> = {
  'http.send': 'network access: a policy must decide from the admission request alone; outbound calls could leak requests or stall the API server',
  'net.lookup_ip_addr': 'network access (DNS): results change over time and lookups can stall admission',
  'opa.runtime': 'exposes the host environment and configuration to policy code',
  'rego.parse_module': 'parsing Rego at evaluation time is not supported by the wasm target',
  'rand.intn': 'non-deterministic: admission decisions must be reproducible',
  'uuid.rfc4122': 'non-deterministic: admission decisions must be reproducible',
  'trace': 'tracing is not available in compiled policies',
  'providers.aws.sign_req': 'credential handling inside policies is not supported',
  'io.jwt.decode_verify': 'not implemented yet (JWT verification)',
};
