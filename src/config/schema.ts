import { enforcementSchema } from './enforcement.js';

/**
 * The configuration schema (JSON Schema draft-07, checked by ajv at start-up). Every object
 * rejects unknown keys so that a typo ("bodyLimt") is an error that names the key instead of a
 * setting silently ignored. Defaults live in defaults.ts, documentation in README.md.
 */
const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const positiveMs = { type: 'integer', minimum: 1, maximum: 3_600_000 } as const;
/** The API server's webhook timeoutSeconds is 1..30. */
const apiServerMs = { type: 'integer', minimum: 1, maximum: 30_000 } as const;
const path = { type: 'string', minLength: 1, maxLength: 4096 } as const;
/** `host[:port]` as an image reference names a registry: DNS name, IPv4 or [IPv6], no scheme or path. */
const HOST =
  '(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?';
const registryHost = { type: 'string', maxLength: 255, pattern: `^${HOST}$` } as const;
/** `host[:port]/path` naming a repository prefix, e.g. docker.io/library. */
const repositoryPrefix = {
  type: 'string',
  maxLength: 255,
  pattern: `^${HOST}(/[a-z0-9]+([._-][a-z0-9]+)*)*$`,
} as const;
/** A path prefix under a registry host (`acme`, `other-org/app`): lowercase path components, no wildcards, no leading or trailing '/'. */
const repositoryPath = {
  type: 'string',
  maxLength: 255,
  pattern: '^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$',
} as const;
const credentials = {
  type: 'object',
  additionalProperties: false,
  required: ['username'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 1024 },
    password: { type: 'string', minLength: 1, maxLength: 4096 },
    passwordFile: path,
  },
} as const;

const bandDays = { type: 'integer', minimum: 1, maximum: 36_500 } as const;
/** Upper age limits in days of the bands B..E of one severity (increasing: checked in relations.ts). */
const severityBands = {
  type: 'object',
  additionalProperties: false,
  properties: { B: bandDays, C: bandDays, D: bandDays, E: bandDays },
} as const;
/** `*` or a repository prefix `host[:port][/path]`, as trusted registries. */
const repositoryPattern = { anyOf: [{ const: '*' }, repositoryPrefix] } as const;
const healthSource = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'repositories'],
  properties: {
    kind: { enum: ['pyxis', 'clair', 'quay', 'static'] },
    name: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' },
    repositories: { type: 'array', minItems: 1, maxItems: 1_000, items: repositoryPattern },
    url: { type: 'string', maxLength: 2048, pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$' },
    caFile: path,
    credentials,
    psk: {
      type: 'object',
      additionalProperties: false,
      required: ['keyFile', 'issuer'],
      properties: { keyFile: path, issuer: { type: 'string', minLength: 1, maxLength: 255 } },
    },
    file: path,
  },
} as const;

const regExpText = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const signatureAuthority = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' },
    key: {
      type: 'object',
      additionalProperties: false,
      properties: { file: path, pem: { type: 'string', minLength: 1, maxLength: 16_384 } },
    },
    keyless: {
      type: 'object',
      additionalProperties: false,
      properties: {
        issuer: { type: 'string', minLength: 1, maxLength: 1024 },
        issuerRegExp: regExpText,
        subject: { type: 'string', minLength: 1, maxLength: 1024 },
        subjectRegExp: regExpText,
        claims: {
          type: 'object',
          maxProperties: 32,
          propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' },
          additionalProperties: { type: 'string', maxLength: 1024 },
        },
      },
    },
  },
} as const;
const signaturePolicy = {
  type: 'object',
  additionalProperties: false,
  required: ['repositories', 'authorities'],
  properties: {
    repositories: { type: 'array', minItems: 1, maxItems: 1_000, items: repositoryPattern },
    signaturesRepository: repositoryPrefix,
    tlog: { enum: ['required', 'optional', 'ignore'] },
    threshold: { type: 'integer', minimum: 1, maximum: 100 },
    authorities: { type: 'array', minItems: 1, maxItems: 100, items: signatureAuthority },
    attestations: {
      type: 'array',
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['predicateType'],
        properties: { predicateType: { type: 'string', minLength: 1, maxLength: 1024 } },
      },
    },
    multiArch: { enum: ['index', 'index-and-platforms'] },
    matchReference: { type: 'boolean' },
  },
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1, maxLength: 255 },
        port,
        bodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024 },
        headersTimeoutMs: positiveMs,
        keepAliveTimeoutMs: positiveMs,
        maxConnections: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        maxJsonDepth: { type: 'integer', minimum: 8, maximum: 10_000 },
        /** 0 parses every non-empty body in a parser thread. */
        parseInWorkerAboveBytes: { type: 'integer', minimum: 0, maximum: 64 * 1024 * 1024 },
        /** Checked against bodyLimitBytes at start-up (limits.ts). */
        maxParsingBytes: { type: 'integer', minimum: 1024, maximum: 1024 * 1024 * 1024 },
        maxConcurrentReviews: { type: 'integer', minimum: 1, maximum: 100_000 },
        /** 0: stop accepting at once on SIGTERM (tests, or a pod outside any Service). */
        drainMs: { type: 'integer', minimum: 0, maximum: 600_000 },
        tls: {
          type: 'object',
          additionalProperties: false,
          properties: {
            certFile: path,
            keyFile: path,
            clientCAFile: path,
            generatedDir: path,
            reloadIntervalMs: { type: 'integer', minimum: 10, maximum: 600_000 },
            handshakeTimeoutMs: { type: 'integer', minimum: 10, maximum: 120_000 },
          },
        },
      },
    },
    admission: {
      type: 'object',
      additionalProperties: false,
      properties: {
        failurePolicy: { enum: ['Fail', 'Ignore'] },
        maxImages: { type: 'integer', minimum: 1, maximum: 100_000 },
        deadlineMarginMs: { type: 'integer', minimum: 0, maximum: 30_000 },
        defaultTimeoutMs: apiServerMs,
        minTimeoutMs: apiServerMs,
        maxTimeoutMs: apiServerMs,
        namespaceLabels: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            cacheTtlMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
            timeoutMs: apiServerMs,
          },
        },
      },
    },
    reload: {
      type: 'object',
      additionalProperties: false,
      /** 0 turns hot reload off; otherwise at least 100 ms (each check hashes the files). */
      properties: { intervalMs: { anyOf: [{ const: 0 }, { type: 'integer', minimum: 100, maximum: 3_600_000 }] } },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
      },
    },
    policy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        bundle: path,
        /** Exactly one of bundle and dir (relations.ts). */
        dir: path,
        entrypoint: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)+$' },
        data: { type: 'object' },
        evaluators: { type: 'integer', minimum: 1, maximum: 64 },
        maxQueued: { type: 'integer', minimum: 0, maximum: 100_000 },
        verdictCache: {
          type: 'object',
          additionalProperties: false,
          properties: {
            maxEntries: { type: 'integer', minimum: 0, maximum: 10_000_000 },
            maxBytes: { type: 'integer', minimum: 0, maximum: 4 * 1024 * 1024 * 1024 },
            maxTtlMs: { type: 'integer', minimum: 0, maximum: 86_400_000 },
          },
        },
      },
    },
    registries: {
      type: 'object',
      additionalProperties: false,
      properties: {
        hosts: {
          type: 'array',
          maxItems: 1_000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['host'],
            properties: {
              host: registryHost,
              caFile: path,
              credentials,
              maxConcurrency: { type: 'integer', minimum: 1, maximum: 1_000 },
              timeoutMs: positiveMs,
              insecure: { type: 'boolean' },
              allowedHosts: { type: 'array', maxItems: 100, items: registryHost },
              credentialRealms: { type: 'array', maxItems: 100, items: registryHost },
              repositories: { type: 'array', minItems: 1, maxItems: 1_000, items: repositoryPath },
            },
          },
        },
        mirrors: {
          type: 'array',
          maxItems: 1_000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['from', 'to'],
            properties: { from: repositoryPrefix, to: repositoryPrefix, rewrite: { type: 'boolean' } },
          },
        },
        cacheTtlMs: { type: 'integer', minimum: 0, maximum: 86_400_000 },
        failureTtlMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
        cacheMaxEntries: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        maxManifestBytes: { type: 'integer', minimum: 1_024, maximum: 64 * 1024 * 1024 },
        maxIndexEntries: { type: 'integer', minimum: 1, maximum: 100_000 },
        /** Each entry is checked as an address/prefix when the registry client starts. */
        blockedCidrs: {
          type: 'array',
          maxItems: 1_000,
          items: { type: 'string', minLength: 2, maxLength: 64, pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$' },
        },
        pullSecrets: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            apiServer: { type: 'string', maxLength: 2048, pattern: '^https://[^/?#\\s]+/?$' },
            tokenFile: path,
            caFile: path,
            cacheTtlMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
            timeoutMs: positiveMs,
          },
        },
      },
    },
    health: {
      type: 'object',
      additionalProperties: false,
      properties: {
        sources: { type: 'array', maxItems: 100, items: healthSource },
        ttlMs: { type: 'integer', minimum: 1_000, maximum: 7 * 86_400_000 },
        timeoutMs: positiveMs,
        maxResponseBytes: { type: 'integer', minimum: 1_024, maximum: 256 * 1024 * 1024 },
        bands: {
          type: 'object',
          additionalProperties: false,
          properties: { critical: severityBands, important: severityBands },
        },
      },
    },
    signatures: {
      type: 'object',
      additionalProperties: false,
      properties: {
        trustedRootFile: path,
        tuf: {
          type: 'object',
          additionalProperties: false,
          required: ['mirror', 'cacheDir'],
          properties: {
            mirror: { type: 'string', maxLength: 2048, pattern: '^https://[^/?#\\s]+(/[^?#\\s]*)?$' },
            cacheDir: path,
            rootFile: path,
          },
        },
        limits: {
          type: 'object',
          additionalProperties: false,
          properties: {
            maxSignatures: { type: 'integer', minimum: 1, maximum: 1_024 },
            maxReferrers: { type: 'integer', minimum: 1, maximum: 100_000 },
            maxPayloadBytes: { type: 'integer', minimum: 1_024, maximum: 16 * 1024 * 1024 },
          },
        },
        cacheTtlMs: { type: 'integer', minimum: 0, maximum: 86_400_000 },
        policies: { type: 'array', maxItems: 1_000, items: signaturePolicy },
      },
    },
    enforcement: enforcementSchema(repositoryPattern),
    tags: {
      type: 'object',
      additionalProperties: false,
      properties: { requireDigest: { type: 'boolean' } },
    },
  },
} as const;
