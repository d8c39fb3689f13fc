import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { isRecord } from '../guards/index.js';
import { errorMessage } from '../errors/index.js';
import { signatureError } from './errors.js';
import { decodeBase64 } from './keys.js';
import type { TrustLike } from './types.js';

function logKey(entry: unknown, at: number): [string, KeyObject] {
  const raw = isRecord(entry) && isRecord(entry.publicKey) ? entry.publicKey.rawBytes : undefined;
  const der = typeof raw === 'string' ? decodeBase64(raw) : undefined;
  if (der === undefined) throw signatureError('config', `trusted root: tlogs[${at}] has no publicKey.rawBytes`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (err) {
    throw signatureError(
      'config',
      `trusted root: tlogs[${at}] publicKey is not a DER public key (${errorMessage(err)})`,
    );
  }
  // The log id is the sha256 of the key's DER SPKI, however the file spells logId.
  return [createHash('sha256').update(der).digest('hex'), key];
}

/**
 * The Rekor log keys of a `trusted_root.json` exactly as Sigstore's TUF repository publishes it
 * (`tlogs[].publicKey.rawBytes`, base64 DER), by log id, and the file's sha256 as the revision.
 * Key-based signatures need nothing else of it; keyless verification reads the rest.
 * @throws ImagegateError IMAGEGATE_SIGNATURES_CONFIG_INVALID
 */
export function rekorTrustFromJson(bytes: Uint8Array): TrustLike {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw signatureError('config', `trusted root is not JSON (${errorMessage(err)})`);
  }
  const tlogs = isRecord(doc) && Array.isArray(doc.tlogs) ? doc.tlogs : [];
  if (tlogs.length === 0)
    throw signatureError('config', 'trusted root lists no tlogs: give trusted_root.json as Sigstore publishes it');
  return {
    revision: createHash('sha256').update(bytes).digest('hex'),
    rekorKeys: new Map(tlogs.map((e: unknown, i) => logKey(e, i))),
  };
}
