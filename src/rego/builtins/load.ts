import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins, type HostBuiltinOptions } from './registry.js';

/** What loadRegoPolicy needs: the module, its data, and optionally memory bounds and built-in options. */
export interface RegoPolicyOptions {
  /** A module built by imagegate's compiler (or OPA's, for the built-ins it calls by name). */
  readonly wasm: Uint8Array;
  /** The `data` document, set once before the first evaluation. */
  readonly data: object;
  /** Linear memory in 64 KiB pages; default the SDK's (2 pages, no maximum). */
  readonly memory?: { readonly initial: number; readonly maximum?: number };
  /** Clock and print sink of the host built-ins (hostBuiltins). */
  readonly builtins?: HostBuiltinOptions;
}

/**
 * The one SDK loading sequence: opa-wasm's loadPolicy with imagegate's host built-ins bound,
 * then setData. Lives beside the built-ins, not in the rego room's door, so the evaluator
 * threads load it without the compiler and binaryen.
 */
export async function loadRegoPolicy(opts: RegoPolicyOptions): Promise<LoadedPolicy> {
  const policy = await loadPolicy(opts.wasm, opts.memory, hostBuiltins(opts.builtins));
  policy.setData(opts.data);
  return policy;
}
