/**
 * The health room's internals for its tests: names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { computeGrade, DEFAULT_BANDS, DAY_MS, GRADES, type Finding, type Grade, type Bands } from './grade.js';
export { clairFindings, clairToken } from './clair.js';
export { parseStaticGrades } from './static.js';
export type { HealthSource, HealthSourceOptions } from './create.js';
export type { HealthFact } from './source.js';
export type { FactLookup } from '../facts/index.js';
