import { readFile } from 'node:fs/promises';
import { ImagegateError, errorMessage } from '../errors/index.js';
import type { Decider } from '../admission/index.js';
import type { PolicyConfig } from '../config/index.js';
import { readBundle } from './bundle.js';
import { createBundleDecider, type HostBuiltins } from './decider.js';
import { createUnconfiguredDecider } from './unconfigured.js';

/** The decider `imagegate serve` uses: the configured bundle, or one that denies everything. */
export async function loadDecider(opts: { readonly policy: PolicyConfig; readonly builtins?: HostBuiltins }): Promise<Decider & { readonly revision: string }> {
  const file = opts.policy.bundle;
  if (file === undefined) return { ...createUnconfiguredDecider(), revision: '' };
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new ImagegateError('IMAGEGATE_BUNDLE_UNREADABLE', `cannot read policy.bundle ${JSON.stringify(file)}: ${errorMessage(err)}`, { cause: err });
  }
  const bundle = await readBundle({ bytes, source: file });
  return createBundleDecider({ bundle, entrypoint: opts.policy.entrypoint, source: file, ...(opts.builtins === undefined ? {} : { builtins: opts.builtins }) });
}
