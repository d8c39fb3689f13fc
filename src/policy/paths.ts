import { createHash } from 'node:crypto';
import { isRecord } from '../guards/index.js';
import type { BundleManifest } from './bundle.js';

/**
 * A path into the policy's `input`: object keys by name, `null` for any key or index. `[]` is
 * the whole input. The same shape as the compiler's analysis (src/rego/ir/input-paths.ts).
 */
export type InputPath = readonly (string | null)[];

/**
 * The bundle's record of the input paths its policy can read, as `compileBundle` writes it in
 * `.manifest` `metadata.imagegate`: `{input_paths: [[...], ...], wasm_sha256: "<hex>"}`. The
 * hash ties the record to the module it was computed for, so a bundle whose policy.wasm was
 * replaced (rebuilt by another tool, the manifest copied along) is keyed on the whole input
 * instead of on paths the new module may not respect.
 */
export type InputPathRecord =
  | { readonly kind: 'recorded'; readonly paths: readonly InputPath[] }
  | { readonly kind: 'unrecorded'; readonly reason: string };

/** The `metadata` of a manifest for `wasm`, with `paths` recorded under `imagegate`. */
export function withInputPaths(opts: {
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly wasm: Uint8Array;
  readonly paths: readonly InputPath[];
}): Readonly<Record<string, unknown>> {
  return { ...opts.metadata, imagegate: { input_paths: opts.paths, wasm_sha256: sha256(opts.wasm) } };
}

/** Reads the record back; anything malformed or for another module counts as no record. */
export function recordedInputPaths(opts: {
  readonly manifest: BundleManifest;
  readonly wasm: Uint8Array;
}): InputPathRecord {
  const own = opts.manifest.metadata?.imagegate;
  if (!isRecord(own) || own.input_paths === undefined)
    return { kind: 'unrecorded', reason: 'the bundle has no metadata.imagegate.input_paths (not built by imagegate)' };
  const paths = own.input_paths;
  if (!Array.isArray(paths) || !paths.every(isInputPath))
    return { kind: 'unrecorded', reason: 'metadata.imagegate.input_paths is not a list of paths (strings and nulls)' };
  if (own.wasm_sha256 !== sha256(opts.wasm))
    return { kind: 'unrecorded', reason: 'metadata.imagegate.input_paths was recorded for another policy.wasm' };
  return { kind: 'recorded', paths };
}

function isInputPath(p: unknown): p is InputPath {
  return Array.isArray(p) && p.every((seg) => seg === null || typeof seg === 'string');
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
