/**
 * The facts stage of `/validate`: per image the digest to judge and what every fact source
 * (signatures, health grades, …) knows about it, cached per digest. Implements the admission
 * room's FactGatherer port.
 */
export { createFactGatherer } from './gatherer.js';
export type { FactAnswer, FactLookup, FactSource } from './source.js';
