export type {
  Config,
  PolicyConfig,
  FailurePolicy,
  LogLevel,
  RegistriesConfig,
  RegistryHostConfig,
  PullSecretsConfig,
  NamespaceLabelsConfig,
} from './types.js';
export { defaultConfig } from './defaults.js';
export { loadConfigFile } from './load.js';
