/**
 * The policy room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { createBundleDecider, MAX_MEMORY_PAGES, type BundleDecider } from './decider.js';
export type { PoolStatus } from './pool.js';
export { writeBundle, mergeAt } from './bundle.js';
export { policyInput, type PolicyInput, type PolicyImage } from './input.js';
export { verdictFromResult } from './result.js';
export type { PolicySources, RegoFile } from './sources.js';
export { packageRoot, shippedPolicyDir, SHIPPED_BUNDLE_FILE } from './shipped.js';
export { shippedBundle, compiledDir, type LoadDeciderOptions } from './load.js';
export { readPolicyDir, sourcesRevision, type PolicyDirSources } from './dir.js';
export { compileApart, type CompileApartOptions } from './compile-process.js';
