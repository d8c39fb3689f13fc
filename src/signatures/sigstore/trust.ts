import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { initTUF } from '@sigstore/tuf';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { errorMessage, ImagegateError } from '../../errors/index.js';
import type { RekorLogKey } from '../types.js';

/**
 * Sigstore trust material: Fulcio CA chains, Rekor and CT log keys, timestamp authorities, from
 * a `trusted_root.json` exactly as Sigstore's TUF repository publishes it.
 */
export interface SigstoreTrust {
  /** sha256 hex of the trusted root bytes in use: part of the fact revision (verdict cache key). */
  readonly revision: string;
  /** Rekor log id (hex: sha256 of the log key's DER SPKI) → that log's public key and validity, for SETs. */
  readonly rekorKeys: ReadonlyMap<string, RekorLogKey>;
  readonly material: TrustMaterial;
}

/** The media types of the trusted root schema versions this parser reads (0.1 and later 0.x). */
const TRUSTED_ROOT_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot(\.v0\.\d+)?\+json(;version=0\.\d+)?$/;

/**
 * From trusted_root.json bytes exactly as Sigstore's TUF repository publishes it.
 * Throws IMAGEGATE_SIGSTORE_TRUST_INVALID naming the part at fault.
 */
export function sigstoreTrustFromJson(bytes: Uint8Array): SigstoreTrust {
  return parseTrustedRoot(bytes, 'the trusted root');
}

function parseTrustedRoot(bytes: Uint8Array, source: string): SigstoreTrust {
  const json = parseJsonObject(bytes, source);
  const mediaType = json.mediaType;
  if (typeof mediaType !== 'string' || !TRUSTED_ROOT_MEDIA_TYPE.test(mediaType)) {
    throw invalid(
      source,
      `mediaType application/vnd.dev.sigstore.trustedroot+json;version=0.x, found ${mediaType === undefined ? 'none' : JSON.stringify(mediaType)}`,
    );
  }
  let root: TrustedRoot;
  let material: TrustMaterial;
  try {
    root = TrustedRoot.fromJSON(json);
    material = toTrustMaterial(root);
  } catch (err) {
    throw invalid(source, `parseable keys and certificates, but ${errorMessage(err)}`, err);
  }
  if (material.certificateAuthorities.length === 0 && material.tlogs.length === 0) {
    throw invalid(source, 'at least one certificate authority or transparency log, found neither');
  }
  return { revision: createHash('sha256').update(bytes).digest('hex'), rekorKeys: rekorKeysOf(root, source), material };
}

function parseJsonObject(bytes: Uint8Array, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw invalid(source, `UTF-8 JSON, but ${errorMessage(err)}`, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(source, 'a JSON object, found another JSON value');
  }
  return Object.fromEntries(Object.entries(value));
}

/**
 * The Rekor logs' keys by log id (hex), for legacy cosign Rekor bundles (SETs) that sig verifies
 * itself. Only logs whose declared id is the sha256 of their key's DER SPKI are listed: an id that
 * does not name its own key would let a SET signed by one log pass as another's.
 */
function rekorKeysOf(root: TrustedRoot, source: string): ReadonlyMap<string, RekorLogKey> {
  const keys = new Map<string, RekorLogKey>();
  for (const tlog of root.tlogs) {
    const raw = tlog.publicKey?.rawBytes;
    const logId = tlog.logId?.keyId;
    if (raw === undefined || logId === undefined) continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(raw), format: 'der', type: 'spki' });
    } catch (err) {
      throw invalid(source, `a DER SPKI public key for the log ${tlog.baseUrl}, but ${errorMessage(err)}`, err);
    }
    const spkiHash = createHash('sha256')
      .update(key.export({ format: 'der', type: 'spki' }))
      .digest('hex');
    const id = Buffer.from(logId).toString('hex');
    const { start, end } = tlog.publicKey?.validFor ?? {};
    if (id === spkiHash)
      keys.set(id, {
        key,
        ...(start === undefined ? {} : { validFromMs: start.getTime() }),
        ...(end === undefined ? {} : { validUntilMs: end.getTime() }),
      });
  }
  return keys;
}

function invalid(source: string, expected: string, cause?: unknown): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_SIGSTORE_TRUST_INVALID',
    `${source} is not a Sigstore trusted root: expected ${expected}. Fix: use trusted_root.json exactly as Sigstore's TUF repository publishes it, unmodified`,
    cause === undefined ? undefined : { cause },
  );
}

/** Where trust material comes from; at least one of the two. */
export interface LoadSigstoreTrustOptions {
  /** A trusted_root.json on disk (air-gapped installs; the fallback when the mirror is unreachable). */
  readonly trustedRootFile?: string;
  /**
   * Refresh from a TUF mirror (e.g. https://tuf-repo-cdn.sigstore.dev), keeping metadata and targets
   * in cacheDir; rootFile is the TUF root.json to start from (default: the one @sigstore/tuf ships
   * for Sigstore's public mirror).
   */
  readonly tuf?: { readonly mirror: string; readonly cacheDir: string; readonly rootFile?: string };
  /** Reads a file (default: readFileSync). */
  readonly readFile?: (file: string) => Uint8Array;
  /** Milliseconds one TUF request may take (default 5000); one attempt, no retries. */
  readonly tufTimeoutMs?: number;
}

/**
 * From the TUF mirror when one is configured and reachable; else from its on-disk cache (metadata
 * still verified, only not refreshed); else from trustedRootFile. Never needs to be online. A
 * trusted root that is there but invalid is an error, never skipped for the next source: a broken
 * file would otherwise go unnoticed until the mirror is down.
 */
export async function loadSigstoreTrust(opts: LoadSigstoreTrustOptions): Promise<SigstoreTrust> {
  const failures: string[] = [];
  if (opts.tuf !== undefined) {
    for (const forceCache of [false, true]) {
      const fromTuf = await readTufTarget(opts.tuf, forceCache, opts.tufTimeoutMs ?? 5000);
      if (fromTuf.ok)
        return parseTrustedRoot(fromTuf.bytes, `trusted_root.json from the TUF mirror ${opts.tuf.mirror}`);
      failures.push(fromTuf.reason);
    }
  }
  if (opts.trustedRootFile !== undefined) {
    const read = opts.readFile ?? ((file: string) => readFileSync(file));
    let bytes: Uint8Array;
    try {
      bytes = read(opts.trustedRootFile);
    } catch (err) {
      failures.push(`the file ${opts.trustedRootFile} cannot be read: ${errorMessage(err)}`);
      throw unavailable(failures);
    }
    return parseTrustedRoot(bytes, `the file ${opts.trustedRootFile}`);
  }
  if (opts.tuf === undefined) failures.push('neither trustedRootFile nor tuf is configured');
  throw unavailable(failures);
}

type TufRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: string };

async function readTufTarget(
  tuf: NonNullable<LoadSigstoreTrustOptions['tuf']>,
  forceCache: boolean,
  timeoutMs: number,
): Promise<TufRead> {
  try {
    const client = await initTUF({
      mirrorURL: tuf.mirror,
      cachePath: tuf.cacheDir,
      ...(tuf.rootFile === undefined ? {} : { rootPath: tuf.rootFile }),
      forceCache,
      retry: false,
      timeout: timeoutMs,
    });
    const text = await client.getTarget('trusted_root.json');
    return { ok: true, bytes: Buffer.from(text, 'utf8') };
  } catch (err) {
    const how = forceCache ? 'its on-disk cache' : 'online';
    return { ok: false, reason: `the TUF mirror ${tuf.mirror} (${how}) failed: ${errorMessage(err)}` };
  }
}

function unavailable(failures: readonly string[]): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_SIGSTORE_TRUST_UNAVAILABLE',
    `expected Sigstore trust material, but ${failures.join('; ')}. Fix: configure a trusted_root.json file (the fallback when the mirror is unreachable), or let the mirror be reached once to fill its cache`,
  );
}
