import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ImagegateError, errorMessage } from '../errors/index.js';
import type { CertificateMaterial } from './generate.js';

/** Where writeCertificates put each file; names are those of Kubernetes TLS secrets. */
export interface CertificatePaths {
  readonly caCertPath: string;
  readonly caKeyPath: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface WriteCertificatesOptions {
  readonly dir: string;
  readonly material: CertificateMaterial;
}

const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;
const DIR_MODE = 0o700;
const WRITE_FIX = 'check that the directory is writable by this user or choose another --out directory';

/** The file names inside `dir`, whether or not they exist. */
export function certificatePaths(dir: string): CertificatePaths {
  return {
    caCertPath: join(dir, 'ca.crt'),
    caKeyPath: join(dir, 'ca.key'),
    certPath: join(dir, 'tls.crt'),
    keyPath: join(dir, 'tls.key'),
  };
}

/**
 * Writes `data` to a fresh temp file in the same directory with `mode` set explicitly (the umask
 * is not trusted) before any byte is written, then renames it over `path`. The rename replaces a
 * pre-existing file of looser mode or a planted symlink instead of writing through it, and a
 * reader (the certificate watcher) sees the old or the new file, never a half-written one.
 * `fix` ends the IMAGEGATE_CERTS_WRITE_FAILED message.
 */
export async function writeFileAtomic(path: string, data: string, mode: number, fix = WRITE_FIX): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.chmod(mode);
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw new ImagegateError(
      'IMAGEGATE_CERTS_WRITE_FAILED',
      `cannot write ${path}: ${errorMessage(err)}; ${fix}`,
      { cause: err },
    );
  }
}

/** Creates `dir` mode 0700 when missing; an existing directory keeps its mode. */
async function ensureDir(dir: string): Promise<void> {
  try {
    const created = await mkdir(dir, { recursive: true, mode: DIR_MODE });
    if (created !== undefined) await chmod(dir, DIR_MODE);
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_CERTS_WRITE_FAILED',
      `cannot create certificate directory ${dir}: ${errorMessage(err)}; choose a writable --out directory`,
      { cause: err },
    );
  }
}

/**
 * Writes ca.crt, ca.key, tls.crt and tls.key into `dir` (private keys 0600, certificates 0644),
 * replacing existing files. Keys are written before their certificates. Throws
 * IMAGEGATE_CERTS_WRITE_FAILED naming the path that could not be written.
 */
export async function writeCertificates(opts: WriteCertificatesOptions): Promise<CertificatePaths> {
  const paths = certificatePaths(opts.dir);
  await ensureDir(opts.dir);
  await writeFileAtomic(paths.caKeyPath, opts.material.caKeyPem, PRIVATE_MODE);
  await writeFileAtomic(paths.caCertPath, opts.material.caCertPem, PUBLIC_MODE);
  await writeFileAtomic(paths.keyPath, opts.material.keyPem, PRIVATE_MODE);
  await writeFileAtomic(paths.certPath, opts.material.certPem, PUBLIC_MODE);
  return paths;
}

/** The `caBundle` field of a (Validating|Mutating)WebhookConfiguration: base64 of the CA PEM. */
export function caBundle(caCertPem: string): string {
  return Buffer.from(caCertPem, 'utf8').toString('base64');
}
