export type {
  Config,
  PolicyConfig,
  FailurePolicy,
  LogLevel,
  RegistriesConfig,
  RegistryHostConfig,
  RegistryMirrorConfig,
  PullSecretsConfig,
  HealthConfig,
  HealthSourceConfig,
  NamespaceLabelsConfig,
  SignaturesConfig,
  SignaturePolicyConfig,
  EnforcementConfig,
  EnforcementMode,
  ExemptionConfig,
  NamespaceModesConfig,
} from './types.js';
export { defaultConfig, PYXIS_URL } from './defaults.js';
export { loadConfigFile, parseConfig, validateConfig } from './load.js';
export { trustedRepositories, foldRepositoryPrefix, isUnder, coversRepository } from './trust.js';
