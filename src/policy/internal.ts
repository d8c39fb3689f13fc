/**
 * The policy room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export {
  createBundleDecider,
  DEFAULT_VERDICT_CACHE,
  MAX_MEMORY_PAGES,
  type BundleDecider,
  type DeciderStatus,
  type VerdictCacheLimits,
} from './decider.js';
export { restrictedInputKey } from './input-key.js';
export { recordedInputPaths, withInputPaths, type InputPath, type InputPathRecord } from './paths.js';
export { reviewKeyer, type VerdictKeying } from './review-key.js';
export { VerdictCache, type VerdictCacheStatus } from './verdict-cache.js';
export type { PoolStatus } from './pool.js';
export { writeBundle, mergeAt } from './bundle.js';
export { policyInput, type PolicyInput, type PolicyImage } from './input.js';
export { verdictFromResult } from './result.js';
export type { PolicySources, RegoFile } from './sources.js';
export { packageRoot, shippedPolicyDir, SHIPPED_BUNDLE_FILE } from './shipped.js';
export { shippedBundle, compiledDir, type LoadDeciderOptions } from './load.js';
export { readPolicyDir, sourcesRevision, type PolicyDirSources } from './dir.js';
export { compileApart, type CompileApartOptions } from './compile-process.js';
export { policyDataOf } from './config-data.js';
