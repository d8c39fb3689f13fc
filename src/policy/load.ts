import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImagegateError, errorMessage } from '../errors/index.js';
import type { PolicyConfig } from '../config/index.js';
import type { Clock } from '../cache/index.js';
import { readBundle, type Bundle } from './bundle.js';
import { createBundleDecider, type BundleDecider } from './decider.js';
import { compileApart } from './compile-process.js';
import { readPolicyDir } from './dir.js';
import { packageRoot, SHIPPED_BUNDLE_FILE } from './shipped.js';
import { overlay } from './overlay.js';
import { isRecord } from '../guards/index.js';

/** Where the policy came from and its bundle; `source` names it in logs and errors. */
interface LoadedBundle {
  readonly bundle: Bundle;
  readonly source: string;
}

export interface LoadDeciderOptions {
  readonly policy: PolicyConfig;
  /** The clock facts' `validUntil` is on, for the verdict cache (ms). Default performance. */
  readonly clock?: Clock;
  /** Receives a one-line note when the shipped policies are compiled at start-up instead of loaded prebuilt. */
  readonly note?: (message: string) => void;
}

/**
 * The decider `imagegate serve` uses: `policy.bundle` as it is; `policy.dir` compiled at
 * start-up; else the shipped policies' bundle that `npm run build` wrote. `policy.data` is
 * merged over the bundle's data, so trusted registries and other settings need no rebuild.
 * Nothing on this path imports the compiler: it runs in a process of its own when needed.
 */
export async function loadDecider(opts: LoadDeciderOptions): Promise<BundleDecider & { readonly source: string }> {
  const { policy } = opts;
  const { bundle, source } = await policyBundle(policy, opts.note ?? (() => undefined));
  const data = policy.data === undefined ? bundle.data : overlay(bundle.data, policy.data);
  const decider = await createBundleDecider({
    bundle: { ...bundle, data },
    entrypoint: policy.entrypoint,
    source,
    evaluators: policy.evaluators,
    maxQueued: policy.maxQueued,
    verdictCache: policy.verdictCache,
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
  });
  return { ...decider, source };
}

function policyBundle(policy: PolicyConfig, note: (message: string) => void): Promise<LoadedBundle> {
  if (policy.bundle !== undefined) return bundleFile(policy.bundle);
  if (policy.dir !== undefined) return compiledDir({ dir: policy.dir, entrypoint: policy.entrypoint });
  return shippedBundle({ entrypoint: policy.entrypoint, note });
}

async function bundleFile(file: string): Promise<LoadedBundle> {
  return { bundle: await readBundle({ bytes: await readOrThrow(file, 'policy.bundle'), source: file }), source: file };
}

async function readOrThrow(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_BUNDLE_UNREADABLE',
      `cannot read ${what} ${JSON.stringify(file)}: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
}

/** `policy.dir`: its `.rego` (without tests) and data files, compiled now in the compiler process. */
export async function compiledDir(opts: { readonly dir: string; readonly entrypoint: string }): Promise<LoadedBundle> {
  const { sources, data, revision } = await readPolicyDir({ dir: opts.dir });
  const source = `policy.dir ${opts.dir}`;
  const bytes = await compileApart({ sources, data, entrypoint: opts.entrypoint, revision, source });
  return { bundle: await readBundle({ bytes, source }), source: `${opts.dir} (compiled at start-up)` };
}

/**
 * The shipped policies: the bundle `npm run build` wrote, when it was built from exactly the
 * sources in `policies/` (its revision is their hash) and answers the entrypoint; otherwise
 * (no build yet, edited sources, another entrypoint) they are compiled now, with a note saying why.
 */
export async function shippedBundle(opts: {
  readonly entrypoint: string;
  readonly note: (message: string) => void;
  /** The package root; default the one this module belongs to. */
  readonly root?: string;
}): Promise<LoadedBundle> {
  const root = opts.root ?? packageRoot();
  const dir = join(root, 'policies');
  const { sources, data, revision } = await readPolicyDir({ dir });
  const file = join(root, SHIPPED_BUNDLE_FILE);
  const prebuilt = await readPrebuilt(file);
  const stale = whyNotUsable(prebuilt, revision, opts.entrypoint);
  if (prebuilt !== undefined && stale === undefined) return { bundle: prebuilt, source: `${file} (shipped policies)` };
  opts.note(`${stale ?? `${file} does not exist`}: compiling ${dir} at start-up; run \`npm run build\` to skip this`);
  const source = `${dir} (shipped policies)`;
  const bytes = await compileApart({ sources, data, entrypoint: opts.entrypoint, revision, source });
  return { bundle: await readBundle({ bytes, source }), source: `${dir} (compiled at start-up)` };
}

/** The prebuilt bundle, or undefined when it does not exist (a damaged one is an error). */
async function readPrebuilt(file: string): Promise<Bundle | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if (isRecord(err) && err.code === 'ENOENT') return undefined;
    throw new ImagegateError('IMAGEGATE_BUNDLE_UNREADABLE', `cannot read ${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return readBundle({ bytes, source: file });
}

function whyNotUsable(bundle: Bundle | undefined, revision: string, entrypoint: string): string | undefined {
  if (bundle === undefined) return undefined;
  if (bundle.manifest.revision !== revision)
    return `the prebuilt bundle has revision ${bundle.manifest.revision || '(none)'}, the shipped sources ${revision}`;
  if (!bundle.manifest.wasm.some((w) => w.entrypoint === entrypoint))
    return `the prebuilt bundle has no entrypoint ${JSON.stringify(entrypoint)}`;
  return undefined;
}
