/**
 * The errors room's internals for its tests: names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { ERROR_CODES } from './codes.js';
