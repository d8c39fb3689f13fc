/**
 * The `imagegate` package entry, for tools that build or load imagegate bundles outside the
 * webhook (CI checks, other services, test harnesses):
 * - `buildBundle` compiles Rego sources to an OPA wasm bundle (bundle.tar.gz bytes);
 * - `readBundle` reads one back (manifest, policy.wasm, data);
 * - `hostBuiltins()` is the custom built-ins object for @open-policy-agent/opa-wasm's
 *   `loadPolicy(wasm, memory, hostBuiltins())`, which every bundle built for the default
 *   target needs (bundles built with `target: 'opa'` name only OPA's built-ins instead).
 * The CLI (`imagegate`) and the webhook are not loaded by this entry.
 */
export { buildBundle, compileBundle, readBundle, DEFAULT_ENTRYPOINT } from './policy/index.js';
export type { BuildBundleOptions, BuiltBundle, Bundle, BundleManifest } from './policy/index.js';
export {
  hostBuiltins,
  evaluationClock,
  compileEntrypoints,
  builtinDeclarations,
  refusedBuiltins,
  isRegoParseError,
  isRegoCompileError,
} from './rego/index.js';
export type { EmitTarget, HostBuiltinOptions, RegoSource, RegoVersion } from './rego/index.js';
export { ImagegateError, isImagegateError } from './errors/index.js';
