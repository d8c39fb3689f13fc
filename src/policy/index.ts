export { readBundle, type Bundle, type BundleManifest } from './bundle.js';
export { buildBundle, compileBundle, DEFAULT_ENTRYPOINT, type BuildBundleOptions, type BuiltBundle } from './build.js';
export { loadDecider } from './load.js';
export { loadPolicySources } from './sources.js';
export { policyInput, type PolicyInput } from './input.js';
export { policyOf } from './config-data.js';
