/**
 * Rego front end: lexer, parser, syntax tree and formatter for Rego v1 (OPA 1.x) and, with
 * `regoVersion: 0`, Rego v0. The tree is documented in `ast.ts`.
 */
export * from './ast.js';
export {
  parseModule,
  parseModuleResult,
  parseQuery,
  parseQueryResult,
  parseTerm,
  parseTermResult,
  type ParseResult,
} from './api.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ERRORS, type ParseOptions } from './parser-core.js';
export {
  formatRegoError,
  formatRegoErrors,
  isRegoParseError,
  REGO_PARSE_ERROR_CODE,
  RegoParseError,
  type RegoErrorCode,
  type RegoError,
} from './errors.js';
export { formatModule } from './format.js';
export { formatBody, formatExpr, formatTerm } from './format-term.js';
export { walkTerms } from './walk.js';
export { DEPRECATED_BUILTINS } from '../catalogue/index.js';
export { syntaxEqual, withoutLocations } from './equal.js';
