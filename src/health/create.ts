import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';
import type { Clock } from '../cache/index.js';
import { coversRepository, PYXIS_URL, type HealthConfig, type HealthSourceConfig } from '../config/index.js';
import { ImagegateError, errorMessage } from '../errors/index.js';
import { createClairBackend } from './clair.js';
import { healthError } from './errors.js';
import type { GradeBackend, Graded } from './backend.js';
import type { Endpoint } from './http.js';
import { createPyxisBackend } from './pyxis.js';
import { createQuayBackend } from './quay.js';
import type { FactAnswer, FactSource } from '../facts/index.js';
import type { HealthFact } from './source.js';
import { createStaticBackend, loadStaticGrades } from './static.js';

export interface HealthSourceOptions {
  /** The validated `health` section. Files it names (CA, grades, PSK, password) are read now. */
  readonly config: HealthConfig;
  /** Used for every source instead of one connection pool per source (tests: a pool trusting their CA). */
  readonly dispatcher?: Dispatcher;
  /** Wall-clock epoch ms (default Date.now): grades depend on dates, not on a monotonic origin. */
  readonly clock?: Clock;
}

export interface HealthSource extends FactSource {
  /** Closes the connection pools this source created (not a dispatcher passed in). */
  close(): Promise<void>;
}

interface Configured {
  readonly name: string;
  readonly patterns: readonly string[];
  readonly backend: GradeBackend;
  /** What of this source's trust enters the revision: settings and hashes of the files read. */
  readonly fingerprint: unknown;
}

/** What a hostile caller could put in a URL path or an RSQL filter is refused before any I/O. */
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function readConfigFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw healthError('config', `cannot read the ${what} ${JSON.stringify(file)}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

function basicAuth(s: HealthSourceConfig, label: string): { header?: string; hash?: string } {
  const c = s.credentials;
  if (c === undefined) return {};
  const password =
    c.password ??
    (c.passwordFile === undefined
      ? ''
      : readConfigFile(c.passwordFile, `${label} password file`)
          .toString('utf8')
          .replace(/\r?\n$/, ''));
  const header = `Basic ${Buffer.from(`${c.username}:${password}`).toString('base64')}`;
  return { header, hash: sha256(header) };
}

function configure(opts: {
  readonly s: HealthSourceConfig;
  readonly index: number;
  readonly config: HealthConfig;
  readonly dispatcher: (ca: Buffer | undefined) => Dispatcher;
}): Configured {
  const { s, config } = opts;
  const name = s.name ?? s.kind;
  const label = `health.sources[${opts.index}] (${name})`;
  const ca = s.caFile === undefined ? undefined : readConfigFile(s.caFile, `${label} CA file`);
  const endpoint = (url: string): Endpoint => ({
    dispatcher: opts.dispatcher(ca),
    base: new URL(url),
    label,
    timeoutMs: config.timeoutMs,
    maxResponseBytes: config.maxResponseBytes,
  });
  const common = { kind: s.kind, url: s.url, repositories: s.repositories, ca: ca && sha256(ca) };
  const need = (v: string | undefined, key: string): string => {
    if (v === undefined) throw healthError('config', `${label}: ${key} is required for a ${s.kind} source`);
    return v;
  };
  switch (s.kind) {
    case 'pyxis':
      return {
        name,
        patterns: s.repositories,
        backend: createPyxisBackend(endpoint(s.url ?? PYXIS_URL)),
        fingerprint: common,
      };
    case 'clair': {
      const key = s.psk === undefined ? undefined : readConfigFile(s.psk.keyFile, `${label} PSK file`);
      const auth =
        s.psk === undefined || key === undefined
          ? undefined
          : { key: Buffer.from(key.toString('utf8').trim(), 'base64'), issuer: s.psk.issuer };
      if (auth?.key.length === 0) throw healthError('config', `${label}: the PSK file holds no base64 key`);
      const backend = createClairBackend({
        endpoint: endpoint(need(s.url, 'url')),
        bands: config.bands,
        ...(auth === undefined ? {} : { auth }),
      });
      return {
        name,
        patterns: s.repositories,
        backend,
        fingerprint: { ...common, psk: key && sha256(key), iss: s.psk?.issuer },
      };
    }
    case 'quay': {
      const { header, hash } = basicAuth(s, label);
      const backend = createQuayBackend({
        endpoint: endpoint(need(s.url, 'url')),
        bands: config.bands,
        ...(header === undefined ? {} : { authorization: header }),
      });
      return { name, patterns: s.repositories, backend, fingerprint: { ...common, credentials: hash } };
    }
    case 'static': {
      const grades = loadStaticGrades(need(s.file, 'file'));
      return {
        name,
        patterns: s.repositories,
        backend: createStaticBackend({ grades, label }),
        fingerprint: { ...common, file: grades.hash },
      };
    }
  }
}

function factOf(graded: Graded, source: string, now: number): HealthFact {
  const { grade, finding, nextDrop } = graded;
  return {
    grade,
    source,
    computedAt: new Date(now).toISOString(),
    ...(nextDrop === undefined ? {} : { nextDrop: { at: new Date(nextDrop.at).toISOString(), grade: nextDrop.grade } }),
    ...(finding === undefined
      ? {}
      : {
          finding: {
            id: finding.id,
            severity: finding.severity,
            ...(finding.fixedAt === undefined
              ? {}
              : { ageDays: Math.floor(Math.max(0, now - finding.fixedAt) / 86_400_000) }),
            ...(finding.fixedIn === undefined ? {} : { fixedIn: finding.fixedIn }),
          },
        }),
  };
}

/**
 * The `health` fact source: grades each digest at the first configured source whose
 * repository patterns cover the image. Values are reused until the grade's next scheduled
 * drop (or a schedule change) or `health.ttlMs`, whichever is sooner. Failures throw
 * IMAGEGATE_HEALTH_* errors, which the policy sees as `{error}` and the shipped rule denies.
 */
export function createHealthSource(opts: HealthSourceOptions): HealthSource {
  const { config } = opts;
  const clock = opts.clock ?? { now: () => Date.now() };
  const owned: Agent[] = [];
  const dispatcher = (ca: Buffer | undefined): Dispatcher => {
    if (opts.dispatcher !== undefined) return opts.dispatcher;
    const agent = new Agent({ connections: 8, ...(ca === undefined ? {} : { connect: { ca } }) });
    owned.push(agent);
    return agent;
  };
  const sources = config.sources.map((s, index) => configure({ s, index, config, dispatcher }));
  const revision = sha256(
    JSON.stringify({ sources: sources.map((s) => [s.name, s.fingerprint]), bands: config.bands, ttlMs: config.ttlMs }),
  ).slice(0, 16);

  return {
    name: 'health',
    revision,
    ttlMs: config.ttlMs,
    async lookup({ digest, repository, signal }): Promise<FactAnswer> {
      if (!DIGEST.test(digest))
        throw new ImagegateError(
          'IMAGEGATE_DIGEST_INVALID',
          `health: ${JSON.stringify(digest.slice(0, 80))} is not a sha256 or sha512 digest`,
        );
      const source = sources.find((s) => s.patterns.some((p) => coversRepository(p, repository)));
      if (source === undefined)
        throw healthError(
          'noSource',
          `no health.sources entry covers ${repository}; add one whose repositories match it`,
        );
      const now = clock.now();
      const graded = await source.backend.grade({ digest, repository, signal, now });
      const staleIn = graded.staleAt === undefined ? Infinity : graded.staleAt - now;
      return { value: factOf(graded, source.name, now), ttlMs: Math.max(0, Math.min(config.ttlMs, staleIn)) };
    },
    async close() {
      await Promise.all(owned.map((a) => a.close()));
    },
  };
}
