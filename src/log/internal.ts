/**
 * The log room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { capLogValue, defaultLogCaps, type LogCaps } from './cap.js';
export { REDACTED_KEYS, CENSORED } from './redact.js';
