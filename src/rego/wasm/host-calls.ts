/**
 * How the emitter calls one host built-in: the name it lists in builtins() (the SDK looks
 * that name up first among its own JS built-ins, then in the custom object, so built-ins
 * whose SDK version differs from OPA go by their `imagegate.*` alias), which arguments it
 * passes as Rego value text, and whether the result, which crosses the JSON boundary as a sorted
 * array, must become a set again, or arrives as Rego value text to parse.
 */
import { HOST_ALIASES, HOST_TEXT_ARGS, HOST_TEXT_RESULTS, supportedBuiltin } from '../catalogue/index.js';
import { isRecord } from '../../guards/index.js';

/**
 * Which host the module is built for:
 * - `imagegate` (default): the stock JS SDK with imagegate's hostBuiltins(); built-ins whose
 *   SDK version differs from OPA go by `imagegate.*` aliases, some arguments as value text;
 * - `opa`: a host with OPA's own built-ins (OPA's Go or Rust SDK): only OPA's names, JSON
 *   arguments and results, as `opa build -t wasm` emits them.
 */
export type EmitTarget = 'imagegate' | 'opa';

export interface HostCallShape {
  /** Name in the module's builtins() export and in the host object. */
  readonly hostName: string;
  /** Argument positions passed as their Rego value text (exact big integers, sets kept). */
  readonly textArgs: ReadonlySet<number>;
  /** The declared result type is a set: convert the returned array. */
  readonly setResult: boolean;
  /** The host returns the result's Rego value text (a string): parse it (nested sets kept). */
  readonly textResult: boolean;
}

/** Result type named by an IR declaration ({"result": {"type": ...}}), if any. */
function irResultType(decl: unknown): string | undefined {
  if (!isRecord(decl)) return undefined;
  const result = decl.result;
  return isRecord(result) && typeof result.type === 'string' ? result.type : undefined;
}

/** Name a built-in goes by in builtins() and the host object, for `target`. */
export function hostBuiltinName(name: string, target: EmitTarget = 'imagegate'): string {
  return target === 'opa' ? name : (HOST_ALIASES[name] ?? name);
}

/**
 * The call shape for built-in `name`; imagegate's own declaration decides the result
 * type, the IR's declaration (`irDecl`) only for built-ins imagegate does not declare.
 */
export function hostCallShape(name: string, irDecl: unknown, target: EmitTarget = 'imagegate'): HostCallShape {
  const hostName = hostBuiltinName(name, target);
  const aliased = hostName !== name;
  return {
    hostName,
    textArgs: new Set(aliased ? (HOST_TEXT_ARGS[name] ?? []) : []),
    setResult: (supportedBuiltin(name)?.decl.result.type ?? irResultType(irDecl)) === 'set',
    textResult: aliased && HOST_TEXT_RESULTS.has(name),
  };
}
