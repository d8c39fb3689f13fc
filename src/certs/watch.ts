import { statSync } from 'node:fs';
import { ImagegateError, errorMessage, isImagegateError } from '../errors/index.js';
import { loadCertificatePair, type CertificatePair, type CertificatePairPaths } from './pair.js';

export interface WatchCertificatePairOptions extends CertificatePairPaths {
  /** Called with each new pair that parses and matches; must not block. */
  readonly onChange: (pair: CertificatePair) => void;
  /**
   * Called once per on-disk state that cannot be applied (the previous pair stays in use), and
   * with IMAGEGATE_CERTS_RELOAD_FAILED when onChange throws. Must not throw.
   */
  readonly onError: (err: ImagegateError) => void;
  /** Poll period in milliseconds; default 1000. */
  readonly intervalMs?: number;
}

export interface CertificatePairWatcher {
  current(): CertificatePair;
  close(): void;
}

const DEFAULT_INTERVAL_MS = 1000;

/**
 * Identity of what a path resolves to now. stat follows symlinks, so the `..data` symlink swap
 * of a Kubernetes secret volume and an atomic rename both show up as a new inode; an in-place
 * rewrite shows up as a new mtime or size.
 */
function fileStamp(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch (err) {
    return `unreadable:${errorMessage(err)}`;
  }
}

function pairStamp(paths: CertificatePairPaths): string {
  return `${fileStamp(paths.certPath)}|${fileStamp(paths.keyPath)}`;
}

function asCertsError(err: unknown): ImagegateError {
  if (isImagegateError(err)) return err;
  return new ImagegateError('IMAGEGATE_CERTS_UNREADABLE', `reloading the certificate pair failed: ${errorMessage(err)}`, { cause: err });
}

/**
 * Loads the pair now (throwing IMAGEGATE_CERTS_UNREADABLE / IMAGEGATE_CERTS_MISMATCH) and then
 * polls both files. A changed pair is applied only once it parses and the key matches the
 * certificate: a half-done swap (new certificate, old key) is reported and retried every tick
 * while the previous pair keeps serving. The timer is unref()ed and never keeps the process alive.
 */
export function watchCertificatePair(opts: WatchCertificatePairOptions): CertificatePairWatcher {
  const intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new ImagegateError('IMAGEGATE_CERTS_INVALID_OPTION', `invalid intervalMs ${intervalMs}: expected a positive number of milliseconds`);
  }
  const paths = { certPath: opts.certPath, keyPath: opts.keyPath };
  let appliedStamp = pairStamp(paths);
  let current = loadCertificatePair(paths);
  let reportedStamp: string | undefined;

  const apply = (pair: CertificatePair): void => {
    if (pair.cert === current.cert && pair.key === current.key) return;
    current = pair;
    try {
      opts.onChange(pair);
    } catch (err) {
      opts.onError(new ImagegateError('IMAGEGATE_CERTS_RELOAD_FAILED', `applying the new certificate ${paths.certPath} failed: ${errorMessage(err)}; the server may still serve the old one, restart it to be sure`, { cause: err }));
    }
  };

  const tick = (): void => {
    const stamp = pairStamp(paths);
    if (stamp === appliedStamp) return;
    let pair: CertificatePair;
    try {
      pair = loadCertificatePair(paths);
    } catch (err) {
      if (stamp !== reportedStamp) opts.onError(asCertsError(err));
      reportedStamp = stamp;
      return;
    }
    appliedStamp = stamp;
    reportedStamp = undefined;
    apply(pair);
  };

  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    current: () => current,
    close: () => clearInterval(timer),
  };
}
