import { readFileSync } from 'node:fs';
import type { SignaturePolicyConfig } from '../config/index.js';
import { errorMessage } from '../errors/index.js';
import { signatureError } from './errors.js';
import type { Authority } from './judge.js';
import { loadPublicKey } from './keys.js';

/** A configured policy with its keys read. */
export interface Policy {
  readonly config: SignaturePolicyConfig;
  readonly authorities: readonly Authority[];
  /** What of this policy enters the revision: the config with key fingerprints instead of files. */
  readonly fingerprint: unknown;
}

function pemOf(
  name: string,
  key: { readonly file?: string; readonly pem?: string },
  read: (f: string) => Uint8Array,
): string {
  if (key.pem !== undefined) return key.pem;
  const file = key.file ?? '';
  try {
    return Buffer.from(read(file)).toString('utf8');
  } catch (err) {
    throw signatureError(
      'config',
      `signature authority ${name}: cannot read the key file ${JSON.stringify(file)}: ${errorMessage(err)}`,
    );
  }
}

/**
 * Reads every key of the policies (start-up: a key that cannot be used stops the server).
 * @throws ImagegateError IMAGEGATE_SIGNATURES_CONFIG_INVALID
 */
export function loadPolicies(
  configs: readonly SignaturePolicyConfig[],
  read: (file: string) => Uint8Array = (f) => readFileSync(f),
): Policy[] {
  return configs.map((config) => {
    const authorities = config.authorities.map((a): Authority => {
      if (a.key !== undefined)
        return {
          name: a.name,
          kind: 'key',
          key: loadPublicKey({ authority: a.name, pem: pemOf(a.name, a.key, read) }),
        };
      return { name: a.name, kind: 'keyless', rule: a.keyless ?? {} };
    });
    const fingerprint = {
      ...config,
      authorities: authorities.map((a) => (a.kind === 'key' ? { name: a.name, key: a.key.fingerprint } : a)),
    };
    return { config, authorities, fingerprint };
  });
}
