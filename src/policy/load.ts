import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { ImagegateError, errorMessage } from '../errors/index.js';
import type { PolicyConfig } from '../config/index.js';
import type { Clock } from '../cache/index.js';
import { compilePolicy } from '../rego/index.js';
import { readBundle, type Bundle } from './bundle.js';
import { createBundleDecider, type BundleDecider } from './decider.js';
import { embeddedPolicyDir } from './embedded.js';
import { loadPolicySources } from './sources.js';
import { withInputPaths } from './paths.js';
import { isRecord } from '../guards/index.js';

/**
 * The decider `imagegate serve` uses: the configured bundle, or else the policies shipped in
 * `policies/`, compiled at start-up. `policy.data` is merged over the bundle's data, so
 * trusted registries and other settings need no rebuild.
 */
export async function loadDecider(opts: {
  readonly policy: PolicyConfig;
  /** The clock facts' `validUntil` is on, for the verdict cache (ms). Default performance. */
  readonly clock?: Clock;
}): Promise<BundleDecider & { readonly source: string }> {
  const { policy } = opts;
  const { bundle, source } =
    policy.bundle === undefined ? await embeddedBundle(policy.entrypoint) : await bundleFile(policy.bundle);
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

async function bundleFile(file: string): Promise<{ bundle: Bundle; source: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_BUNDLE_UNREADABLE',
      `cannot read policy.bundle ${JSON.stringify(file)}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return { bundle: await readBundle({ bytes, source: file }), source: file };
}

export async function embeddedBundle(entrypoint: string): Promise<{ bundle: Bundle; source: string }> {
  const dir = embeddedPolicyDir();
  const { modules, data } = await loadPolicySources([dir]);
  // Named from the package root (policies/…), as a bundle names its files: locations in
  // answers never show where imagegate happens to be installed.
  const sources = modules
    .filter((m) => !m.file.endsWith('_test.rego'))
    .map((m) => ({ ...m, file: relative(dirname(dir), m.file) }));
  // print() is erased, as `opa build` does: admission decisions write nothing per request.
  const { wasm, inputPaths } = compilePolicy({ sources, entrypoints: [entrypoint], enablePrint: false });
  const manifest = {
    revision: 'embedded',
    roots: [''],
    wasm: [{ entrypoint, module: '/policy.wasm' }],
    rego_version: 1,
    metadata: withInputPaths({ wasm, paths: inputPaths }),
  };
  return { bundle: { manifest, wasm, data, files: new Map() }, source: `${dir} (embedded)` };
}

/** `over` wins: objects merge key by key, any other value replaces what the bundle had. */
function overlay(
  base: Readonly<Record<string, unknown>>,
  over: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? overlay(prev, v) : v;
  }
  return out;
}
