import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ImagegateError, errorMessage } from '../errors/index.js';
import { configSchema } from './schema.js';
import { relationProblems, removedKeys } from './relations.js';
import { defaultConfig, defaultRegistryHost, defaultSignaturePolicy } from './defaults.js';
import type { Config, ConfigInput } from './types.js';

const ajv = new Ajv({ allErrors: true, strict: true });
/** A type guard: ajv checks every key and type of ConfigInput against the schema. */
const validate = ajv.compile<ConfigInput>(configSchema);

/** Reads, validates and freezes a YAML (or JSON) config file. */
export async function loadConfigFile(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_CONFIG_UNREADABLE',
      `cannot read config file ${JSON.stringify(file)}: ${errorMessage(err)}; check the path given to --config`,
      { cause: err },
    );
  }
  return parseConfig({ text, source: file });
}

/** Parses config text; `source` names it in errors. An empty document means all defaults. */
export function parseConfig(opts: { readonly text: string; readonly source: string }): Config {
  let doc: unknown;
  try {
    doc = parseYaml(opts.text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? `:${err.linePos[0].line}:${err.linePos[0].col}` : '';
    throw new ImagegateError(
      'IMAGEGATE_CONFIG_INVALID',
      `${opts.source}${where}: not valid YAML: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return validateConfig({ value: doc ?? {}, source: opts.source });
}

/** Validates a config object against the schema, applies defaults and deep-freezes it. */
export function validateConfig(opts: { readonly value: unknown; readonly source: string }): Config {
  if (!validate(opts.value)) throw invalid(opts.source, (validate.errors ?? []).map(describe));
  const config = withDefaults(opts.value);
  const problems = relationProblems(config);
  if (problems.length > 0) throw invalid(opts.source, problems);
  return deepFreeze(config);
}

function invalid(source: string, problems: readonly string[]): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_CONFIG_INVALID',
    `${source}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
  );
}

function describe(e: ErrorObject): string {
  const at = e.instancePath === '' ? '(top level)' : e.instancePath;
  if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') {
    const key = e.params.additionalProperty;
    const path = `${e.instancePath}/${key}`;
    const removed = removedKeys[path];
    if (removed !== undefined) return `${path}: ${removed}`;
    return `${path}: unknown key ${JSON.stringify(key)}; remove it or check its spelling against README.md "Configuration"`;
  }
  if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
    return `${at}: must be one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${at}: ${e.message ?? 'invalid'}`;
}

/** Every key the file leaves out takes its embedded default (defaults.ts). */
function withDefaults(input: ConfigInput): Config {
  const d = defaultConfig;
  return {
    server: { ...d.server, ...input.server, tls: { ...d.server.tls, ...input.server?.tls } },
    admission: {
      ...d.admission,
      ...input.admission,
      namespaceLabels: { ...d.admission.namespaceLabels, ...input.admission?.namespaceLabels },
    },
    reload: { ...d.reload, ...input.reload },
    log: { ...d.log, ...input.log },
    policy: {
      ...d.policy,
      ...input.policy,
      verdictCache: { ...d.policy.verdictCache, ...input.policy?.verdictCache },
    },
    registries: {
      ...d.registries,
      ...input.registries,
      hosts: (input.registries?.hosts ?? d.registries.hosts).map((h) => ({ ...defaultRegistryHost, ...h })),
      mirrors: (input.registries?.mirrors ?? d.registries.mirrors).map((m) => ({ rewrite: false, ...m })),
      pullSecrets: { ...d.registries.pullSecrets, ...input.registries?.pullSecrets },
    },
    health: {
      ...d.health,
      ...input.health,
      // A severity given replaces its default bands whole: mixing would make edges nobody wrote.
      bands: { ...d.health.bands, ...input.health?.bands },
    },
    signatures: {
      ...d.signatures,
      ...input.signatures,
      limits: { ...d.signatures.limits, ...input.signatures?.limits },
      policies: (input.signatures?.policies ?? []).map((p) => ({ ...defaultSignaturePolicy, ...p })),
    },
    enforcement: {
      ...d.enforcement,
      ...input.enforcement,
      // A missing reason is refused by relations.ts, naming the key and the fix.
      exemptions: (input.enforcement?.exemptions ?? []).map((x) => ({ ...x, reason: x.reason ?? '' })),
    },
    tags: { ...d.tags, ...input.tags },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
