/**
 * The config room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export type {
  ServerConfig,
  TlsConfig,
  AdmissionConfig,
  RegistryMirrorConfig,
  RegistryCredentialsConfig,
  ReloadConfig,
  SignatureAuthorityConfig,
  SignatureIdentityConfig,
  TlogMode,
  MultiArchMode,
} from './types.js';
export { defaultRegistryHost } from './defaults.js';
export { loadConfigFile, parseConfig, validateConfig } from './load.js';
