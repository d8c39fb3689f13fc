/** OPA intermediate representation: types and a validating loader for its JSON form. */
export type * from './types.js';
export { loadIrPolicy, parseIrPolicy } from './load.js';
export { inputPaths, type InputPath } from './input-paths.js';
