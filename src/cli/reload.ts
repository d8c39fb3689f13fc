import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseConfig, validateConfig, type Config, type PolicyConfig } from '../config/index.js';
import { ImagegateError, errorMessage, isImagegateError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { Metrics, ReviewDeps, Swappable } from '../server/index.js';
import { buildServeParts, type PartLedger, type ServeParts } from './serve-parts.js';

/** configHash of the embedded defaults (no --config file). */
export const EMBEDDED_CONFIG = '(embedded defaults)';

export interface Reloader {
  /** The parts reviews are decided with now. */
  current(): ServeParts;
  /** Stops polling; resolves once a reload in progress has finished (applied or refused). */
  stop(): Promise<void>;
}

export interface StartReloaderOptions {
  /** The --config file; absent: only the policy is watched. */
  readonly configFile?: string;
  readonly initial: ServeParts;
  readonly live: Swappable<ReviewDeps>;
  readonly ledger: PartLedger;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Called as `next` becomes live, before `old` drains (e.g. to carry its counters over). */
  readonly onSwap?: (old: ServeParts, next: ServeParts) => void;
}

type Source = 'config' | 'policy';

/**
 * Polls the config file and the policy bundle or directory every `reload.intervalMs` of the
 * live config by content hash: a ConfigMap volume changes by swapping its `..data` symlink to a
 * new directory, which inotify on the old files never reports, and a hash (unlike an mtime)
 * ignores a swap that changed nothing. A change is built off to the side (new config parsed and
 * validated, new decider loaded into every thread) and swapped in only when all of it succeeded;
 * reviews in flight finish on the old parts, closed once they drained. A change that fails is
 * refused with one log line (code, file, reason), counted, and not retried until its content
 * changes again; the old parts keep deciding. The timer is unref()ed.
 */
export function startReloader(opts: StartReloaderOptions): Reloader {
  const { logger, metrics } = opts;
  let live = opts.initial;
  /** Hashes last refused, so a broken file is reported once, not every tick. */
  const refused: Record<Source, string | undefined> = { config: undefined, policy: undefined };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const schedule = (): void => {
    const ms = live.config.reload.intervalMs;
    if (stopped || ms === 0) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((err: unknown) => {
          failed('reload.failed', err);
        })
        .finally(schedule);
    }, ms);
    timer.unref();
  };

  /** A failure outside any one file (a bug, or closing the old parts); polling goes on. */
  const failed = (event: string, err: unknown): void => {
    const code = isImagegateError(err) ? err.code : 'IMAGEGATE_RELOAD_FAILED';
    logger.error({ event, code, reason: errorMessage(err) }, `hot reload step failed (${code}): ${errorMessage(err)}`);
  };

  const refuse = (source: Source, hash: string, file: string, err: unknown): void => {
    refused[source] = hash;
    const error = isImagegateError(err)
      ? err
      : new ImagegateError('IMAGEGATE_RELOAD_FAILED', `building the new ${source} failed: ${errorMessage(err)}`, {
          cause: err,
        });
    metrics.reloads.inc({ source, result: 'rejected' });
    logger.error(
      { event: 'reload.rejected', source, code: error.code, file, reason: error.message, revision: live.deps.revision },
      `${source} change in ${file} not applied (${error.code}): ${error.message}; still deciding with policy revision ${live.deps.revision ?? '(unknown)'}`,
    );
  };

  const tick = async (): Promise<void> => {
    const configText = opts.configFile === undefined ? undefined : await readText(opts.configFile);
    const configHash = configText === undefined ? EMBEDDED_CONFIG : sha256(configText.bytes);
    const configChanged = configHash !== live.configHash && configHash !== refused.config;
    let config = live.config;
    if (configChanged && opts.configFile !== undefined && configText !== undefined) {
      try {
        if (configText.text instanceof ImagegateError) throw configText.text;
        const next = parseConfig({ text: configText.text, source: opts.configFile });
        config = applicable({ next, live: live.config, logger });
      } catch (err) {
        refuse('config', configHash, opts.configFile, err);
        config = live.config;
      }
    }
    const policyHash = await policyContentHash(config.policy);
    const policyChanged = policyHash !== live.policyHash && policyHash !== refused.policy;
    if (config === live.config && !policyChanged) return;
    const hashOfConfig = config === live.config ? live.configHash : configHash;
    const changed: Source[] = [
      ...(config === live.config ? [] : ['config' as const]),
      ...(policyChanged ? ['policy' as const] : []),
    ];
    let next: ServeParts;
    try {
      next = await buildServeParts({ config, configHash: hashOfConfig, policyHash, logger, metrics, previous: live });
    } catch (err) {
      // The decider is what fails to build on a bad bundle; anything else is the config's.
      const source: Source = policyChanged && isPolicyError(err) ? 'policy' : (changed[0] ?? 'policy');
      refuse(
        source,
        source === 'policy' ? policyHash : configHash,
        source === 'policy' ? policyFile(config.policy) : (opts.configFile ?? ''),
        err,
      );
      return;
    }
    // A directory or file that changed again while it was being built is built once more next tick.
    const settled = (await policyContentHash(config.policy)) === policyHash;
    swapIn(settled ? next : { ...next, policyHash: `${policyHash} (changed while loading)` }, changed);
  };

  const swapIn = (next: ServeParts, changed: readonly Source[]): void => {
    const old = live;
    opts.ledger.retain(next);
    live = next;
    opts.onSwap?.(old, next);
    if (next.config.log.level !== old.config.log.level) logger.level = next.config.log.level;
    if (old.deps.revision !== undefined) metrics.policyRevision.remove({ revision: old.deps.revision });
    if (next.deps.revision !== undefined) metrics.policyRevision.set({ revision: next.deps.revision }, 1);
    for (const source of changed) {
      refused[source] = undefined;
      metrics.reloads.inc({ source, result: 'applied' });
    }
    logger.info(
      { event: 'reload.applied', changed, revision: next.deps.revision, configHash: next.configHash },
      `${changed.join(' and ')} reloaded: deciding with policy revision ${next.deps.revision ?? '(unknown)'} from now on`,
    );
    void opts.live
      .swap(next.deps)
      .then(() => opts.ledger.release(old))
      .catch((err: unknown) => {
        failed('reload.close_failed', err);
      });
  };

  schedule();
  return {
    current: () => live,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * The new config with the settings that cannot change without a restart kept at their live
 * values (the listening socket, TLS, connection limits and the request parser are built once),
 * and one warning naming each of them. Throws IMAGEGATE_CONFIG_INVALID when what remains
 * contradicts itself.
 */
export function applicable(opts: { readonly next: Config; readonly live: Config; readonly logger: Logger }): Config {
  const { next, live } = opts;
  const restartOnly = [
    ...changedPaths('/server', live.server, next.server),
    ...changedPaths('/admission/maxImages', live.admission.maxImages, next.admission.maxImages),
    ...changedPaths('/admission/maxTimeoutMs', live.admission.maxTimeoutMs, next.admission.maxTimeoutMs),
  ];
  if (restartOnly.length === 0) return next;
  opts.logger.warn(
    { event: 'reload.restart_needed', keys: restartOnly },
    `restart needed to apply ${restartOnly.join(', ')}: these keep their running values; the rest of the config is applied`,
  );
  return validateConfig({
    value: {
      ...next,
      server: live.server,
      admission: { ...next.admission, maxImages: live.admission.maxImages, maxTimeoutMs: live.admission.maxTimeoutMs },
    },
    source: 'the reloaded config with its restart-only keys kept',
  });
}

/** JSON-pointer paths under `at` where `a` and `b` differ (leaves of plain objects). */
function changedPaths(at: string, a: unknown, b: unknown): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (!isPlainObject(a) || !isPlainObject(b)) return [at];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => changedPaths(`${at}/${k}`, a[k], b[k]));
}

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPolicyError(err: unknown): boolean {
  return isImagegateError(err) && /^IMAGEGATE_(BUNDLE|POLICY|REGO)_/.test(err.code);
}

function policyFile(policy: PolicyConfig): string {
  return policy.bundle ?? policy.dir ?? '(shipped policies)';
}

/** The file's bytes and text, or (hashed as its message) why it cannot be read. */
async function readText(file: string): Promise<{ readonly bytes: Buffer; readonly text: string | ImagegateError }> {
  try {
    const bytes = await readFile(file);
    return { bytes, text: bytes.toString('utf8') };
  } catch (err) {
    const message = errorMessage(err);
    const error = new ImagegateError(
      'IMAGEGATE_CONFIG_UNREADABLE',
      `cannot read config file ${JSON.stringify(file)}: ${message}`,
      { cause: err },
    );
    return { bytes: Buffer.from(`unreadable: ${message}`), text: error };
  }
}

function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * A hash of what the decider is built from: the bundle file's bytes, or every file's path and
 * bytes under the policy directory (the kubelet's own `..`-prefixed entries skipped: they name
 * timestamped directories that change on every ConfigMap update, content or not). "" for the
 * shipped policies, which change only with the installed package. An unreadable file hashes to
 * its error, so that the load that follows reports it.
 */
export async function policyContentHash(policy: PolicyConfig): Promise<string> {
  const hash = createHash('sha256');
  if (policy.bundle !== undefined) await hashFile(hash, policy.bundle);
  else if (policy.dir !== undefined) await hashDir(hash, policy.dir, '');
  else return '';
  return `sha256:${hash.digest('hex')}`;
}

async function hashFile(hash: ReturnType<typeof createHash>, file: string): Promise<void> {
  try {
    hash.update(await readFile(file));
  } catch (err) {
    hash.update(`unreadable: ${errorMessage(err)}`);
  }
}

async function hashDir(hash: ReturnType<typeof createHash>, dir: string, rel: string): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(join(dir, rel))).filter((n) => !n.startsWith('..')).sort();
  } catch (err) {
    hash.update(`unreadable ${rel}: ${errorMessage(err)}`);
    return;
  }
  for (const name of names) {
    const path = join(rel, name);
    hash.update(`\n${JSON.stringify(path)}\n`);
    // stat follows the kubelet's symlinks to the files of the current `..data`.
    const isDir = await stat(join(dir, path)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isDir) await hashDir(hash, dir, path);
    else await hashFile(hash, join(dir, path));
  }
}
