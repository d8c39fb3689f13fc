export type { Config, ServerConfig, TlsConfig, AdmissionConfig, PolicyConfig, FailurePolicy, LogLevel, RegistriesConfig, RegistryHostConfig, RegistryMirrorConfig, RegistryCredentialsConfig, PullSecretsConfig } from './types.js';
export { defaultConfig, defaultRegistryHost } from './defaults.js';
export { loadConfigFile, parseConfig, validateConfig } from './load.js';
