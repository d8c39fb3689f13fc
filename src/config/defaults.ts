import { availableParallelism } from 'node:os';
import type { Config } from './types.js';

/** The embedded defaults `imagegate serve` runs with when no config file is given. */
export const defaultConfig: Config = {
  server: {
    host: '0.0.0.0',
    port: 8443,
    bodyLimitBytes: 7 * 1024 * 1024,
    headersTimeoutMs: 5_000,
    keepAliveTimeoutMs: 30_000,
    maxConnections: 512,
    maxJsonDepth: 512,
    parseInWorkerAboveBytes: 256 * 1024,
    maxParsingBytes: 32 * 1024 * 1024,
    maxConcurrentReviews: 512,
    drainMs: 10_000,
    tls: { generatedDir: 'certs', reloadIntervalMs: 1_000, handshakeTimeoutMs: 5_000 },
  },
  admission: {
    failurePolicy: 'Fail',
    maxImages: 1_000,
    deadlineMarginMs: 500,
    defaultTimeoutMs: 10_000,
    minTimeoutMs: 1_000,
    maxTimeoutMs: 30_000,
    namespaceLabels: { enabled: false, cacheTtlMs: 5_000, timeoutMs: 1_000 },
  },
  reload: { intervalMs: 2_000 },
  log: { level: 'info' },
  policy: {
    entrypoint: 'imagegate/decision',
    evaluators: Math.min(64, availableParallelism()),
    maxQueued: 1_024,
    verdictCache: { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024, maxTtlMs: 60_000 },
  },
  registries: {
    hosts: [],
    mirrors: [],
    cacheTtlMs: 30_000,
    failureTtlMs: 5_000,
    cacheMaxEntries: 10_000,
    maxManifestBytes: 4 * 1024 * 1024,
    maxIndexEntries: 1_024,
    blockedCidrs: [
      '0.0.0.0/8',
      '169.254.0.0/16',
      '100.64.0.0/10',
      '224.0.0.0/4',
      '240.0.0.0/4',
      '::/128',
      'fe80::/10',
      'ff00::/8',
    ],
    pullSecrets: {
      enabled: false,
      tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      cacheTtlMs: 10_000,
      timeoutMs: 2_000,
    },
  },
  health: {
    sources: [],
    ttlMs: 6 * 3_600_000,
    timeoutMs: 3_000,
    maxResponseBytes: 8 * 1024 * 1024,
    // Red Hat's Container Health Index; 12 months taken as 365 days. Important never reaches E.
    bands: { critical: { B: 7, C: 30, D: 90, E: 365 }, important: { B: 30, C: 90, D: 365 } },
  },
  signatures: {
    limits: { maxSignatures: 32, maxReferrers: 1024, maxPayloadBytes: 256 * 1024 },
    cacheTtlMs: 300_000,
    policies: [],
  },
  enforcement: {
    dryRun: false,
    rules: {},
    namespaces: [],
    exemptions: [],
    exemptSystemNamespaces: true,
    ownNamespace: 'imagegate',
  },
  tags: { requireDigest: false },
};

/** What a `signatures.policies` entry leaves out. */
export const defaultSignaturePolicy = {
  tlog: 'required',
  threshold: 1,
  attestations: [],
  multiArch: 'index',
  matchReference: false,
} as const;

/** The Red Hat Ecosystem Catalog's REST API, the default `url` of a pyxis health source. */
export const PYXIS_URL = 'https://catalog.redhat.com/api/containers';

/** Per-registry settings a `registries.hosts` entry leaves out. */
export const defaultRegistryHost = {
  maxConcurrency: 8,
  timeoutMs: 5_000,
  insecure: false,
  allowedHosts: [],
  credentialRealms: [],
} as const;
