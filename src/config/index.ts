export type { Config, ServerConfig, TlsConfig, AdmissionConfig, PolicyConfig, FailurePolicy, LogLevel } from './types.js';
export { defaultConfig } from './defaults.js';
export { loadConfigFile, parseConfig, validateConfig } from './load.js';
