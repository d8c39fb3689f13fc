/**
 * The facts room's internals for its tests: names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export {
  createFactGatherer,
  DEFAULT_MAX_ENTRIES_PER_SOURCE,
  type FactGathererOptions,
  type RegistryAccess,
} from './gatherer.js';
export { checkSources, type FactAnswer, type FactLookup, type FactMetrics, type FactSource } from './source.js';
export { checkFactValue } from './value.js';
