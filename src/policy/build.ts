import type { EmitTarget, RegoSource, RegoVersion } from '../rego/index.js';
import { writeBundle, type BundleManifest } from './bundle.js';
import { withInputPaths } from './paths.js';

/** Entrypoint the webhook evaluates when none is named. */
export const DEFAULT_ENTRYPOINT = 'imagegate/decision';

export interface BuildBundleOptions {
  /** The .rego sources; each file name is kept in the bundle (as `opa build` keeps them). */
  readonly sources: readonly RegoSource[];
  /** `package/path/rule` paths the bundle answers. Default [DEFAULT_ENTRYPOINT]. */
  readonly entrypoints?: readonly string[];
  /** The base document (`data`), written to /data.json. Default {}. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** 1 (default) for Rego v1; 0 for pre-1.0 syntax (`--v0-compatible`). */
  readonly regoVersion?: RegoVersion;
  /** Run binaryen's -O2 over the module (smaller, slower to build). Default false. */
  readonly optimize?: boolean;
  /** Keep `print(…)` calls (the host's print sink receives them). Default false: erased. */
  readonly enablePrint?: boolean;
  /**
   * `imagegate` (default): load with the stock JS SDK and imagegate's hostBuiltins();
   * `opa`: only OPA's built-in names, for hosts with OPA's own built-ins (Go or Rust SDK).
   */
  readonly target?: EmitTarget;
  /** The manifest's revision. Default ''. */
  readonly revision?: string;
}

export interface BuiltBundle {
  /** The bundle.tar.gz, in OPA's layout. */
  readonly bytes: Uint8Array;
  readonly manifest: BundleManifest;
  /** Size of /policy.wasm in bytes. */
  readonly wasmBytes: number;
}

/**
 * Compiles sources into an OPA wasm bundle (as `opa build -t wasm -e ...`), with the details
 * `imagegate policy build` reports. The manifest's `metadata.imagegate` records the input paths
 * the entrypoints can read (paths.ts). Throws the compiler's errors (parse, compile, unknown
 * entrypoint) listing every problem.
 */
export async function compileBundle(opts: BuildBundleOptions): Promise<BuiltBundle> {
  const entrypoints = opts.entrypoints ?? [DEFAULT_ENTRYPOINT];
  const regoVersion = opts.regoVersion ?? 1;
  // Loaded on first use: the policy room's door is on `imagegate serve`'s path, which never
  // compiles in a process of its own (compile-process.ts), so the compiler and binaryen stay unloaded there.
  const { compilePolicy } = await import('../rego/index.js');
  const { wasm, inputPaths } = compilePolicy({
    sources: opts.sources,
    entrypoints,
    regoVersion,
    optimize: opts.optimize ?? false,
    enablePrint: opts.enablePrint ?? false,
    target: opts.target ?? 'imagegate',
  });
  const manifest: BundleManifest = {
    revision: opts.revision ?? '',
    roots: [''],
    rego_version: regoVersion,
    wasm: entrypoints.map((entrypoint) => ({ entrypoint, module: '/policy.wasm' })),
    // The input paths the entrypoints read: what imagegate's verdict cache keys on.
    metadata: withInputPaths({ wasm, paths: inputPaths }),
  };
  const files = new Map(opts.sources.map((s) => [s.file, Buffer.from(s.text)]));
  const bytes = await writeBundle({ manifest, wasm, data: opts.data ?? {}, files });
  return { bytes, manifest, wasmBytes: wasm.length };
}

/** The bundle.tar.gz bytes of `compileBundle`: load them with readBundle and the stock SDK. */
export async function buildBundle(opts: BuildBundleOptions): Promise<Uint8Array> {
  return (await compileBundle(opts)).bytes;
}
