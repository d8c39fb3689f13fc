/**
 * How the emitted module calls some host built-ins under imagegate's own target (data only;
 * the implementations live in src/rego/builtins). `policy build --target opa` uses none of it:
 * it lists OPA's names and passes JSON, for hosts that implement OPA's built-ins themselves.
 */

/**
 * Built-ins the module calls under an `imagegate.*` alias (listed in the module's builtins()
 * export). Two reasons: the opa-wasm SDK implements sprintf, regex.split, json.is_valid and
 * yaml.* itself in JS and calls its own version before the custom object, and those differ
 * from OPA (big integers and collections in sprintf, JS regex syntax, YAML 1.2); and the
 * aliases of HOST_TEXT_ARGS take some arguments as Rego value text.
 */
export const HOST_ALIASES: Readonly<Record<string, string>> = {
  sprintf: 'imagegate.sprintf',
  'regex.split': 'imagegate.regex.split',
  'json.is_valid': 'imagegate.json.is_valid',
  'yaml.marshal': 'imagegate.yaml.marshal',
  'yaml.unmarshal': 'imagegate.yaml.unmarshal',
  'yaml.is_valid': 'imagegate.yaml.is_valid',
  'internal.template_string': 'imagegate.internal.template_string',
  'net.cidr_contains_matches': 'imagegate.net.cidr_contains_matches',
  'json.patch': 'imagegate.json.patch',
  'time.date': 'imagegate.time.date',
  'time.clock': 'imagegate.time.clock',
  'time.weekday': 'imagegate.time.weekday',
  'time.add_date': 'imagegate.time.add_date',
  'time.diff': 'imagegate.time.diff',
  'time.format': 'imagegate.time.format',
  'internal.print': 'imagegate.internal.print',
  'bits.or': 'imagegate.bits.or',
  'bits.and': 'imagegate.bits.and',
  'bits.xor': 'imagegate.bits.xor',
  'bits.negate': 'imagegate.bits.negate',
  'bits.lsh': 'imagegate.bits.lsh',
  'bits.rsh': 'imagegate.bits.rsh',
};

/**
 * Argument positions (0-based) that the alias version (HOST_ALIASES) takes as the argument's
 * Rego value text (the runtime's value dump): the SDK hands arguments over as JSON through
 * JSON.parse, which rounds integers beyond 2^53 to doubles and turns sets into arrays. These
 * built-ins need exact integers (sprintf, time.* nanoseconds, bits.*) or must tell sets from
 * arrays (template strings print them differently, cidr_contains_matches keys set elements
 * by value). A string at such a position is always read as text, so the alias cannot take a
 * plain string there.
 */
export const HOST_TEXT_ARGS: Readonly<Record<string, readonly number[]>> = {
  sprintf: [1],
  'internal.template_string': [0],
  'net.cidr_contains_matches': [0, 1],
  'json.patch': [0, 1],
  // Nanosecond timestamps (alone or as [ns, zone, layout?]) beyond 2^53 must stay exact.
  'time.date': [0],
  'time.clock': [0],
  'time.weekday': [0],
  'time.add_date': [0],
  'time.diff': [0, 1],
  'time.format': [0],
  // The arguments' value sets, kept as sets (and with exact numbers) for printing.
  'internal.print': [0],
  // OPA's bit operations work on arbitrary-precision integers.
  'bits.or': [0, 1],
  'bits.and': [0, 1],
  'bits.xor': [0, 1],
  'bits.negate': [0],
  'bits.lsh': [0, 1],
  'bits.rsh': [0, 1],
};

/**
 * Alias built-ins (HOST_ALIASES) whose result may hold sets anywhere inside (json.patch of a
 * document with sets): the alias returns the result's Rego value text as a string, and the
 * module reads it back with its value reader (rt_value_parse), so nested sets stay sets.
 */
export const HOST_TEXT_RESULTS: ReadonlySet<string> = new Set(['json.patch']);
