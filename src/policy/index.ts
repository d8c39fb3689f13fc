export { createBundleDecider, MAX_MEMORY_PAGES, type BundleDecider } from './decider.js';
export type { PoolStatus } from './pool.js';
export { readBundle, writeBundle, mergeAt, type Bundle, type BundleManifest } from './bundle.js';
export { buildBundle, compileBundle, DEFAULT_ENTRYPOINT, type BuildBundleOptions, type BuiltBundle } from './build.js';
export { policyInput, type PolicyInput, type PolicyImage } from './input.js';
export { verdictFromResult } from './result.js';
export { loadDecider } from './load.js';
export { loadPolicySources, type PolicySources, type RegoFile } from './sources.js';
export { embeddedPolicyDir } from './embedded.js';
