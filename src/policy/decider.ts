import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { ImagegateError, errorMessage, isImagegateError } from '../errors/index.js';
import type { Decider, Verdict } from '../admission/index.js';
import type { Bundle } from './bundle.js';
import { policyInput } from './input.js';
import { verdictFromResult } from './result.js';

/** Host implementations of built-ins the module imports, passed to the SDK's loadPolicy. */
export type HostBuiltins = Readonly<Record<string, (...args: unknown[]) => unknown>>;

/** Wasm pages (64 KiB each): the module starts with 5 and may grow to this; past it, evaluation fails (denied). */
export const MAX_MEMORY_PAGES = 2048;

/**
 * A decider that evaluates one entrypoint of a wasm bundle. Evaluation is pure: the same input
 * and bundle give the same verdict; every error and every undefined result is undecided.
 */
export async function createBundleDecider(opts: {
  readonly bundle: Bundle;
  readonly entrypoint: string;
  readonly builtins?: HostBuiltins;
  readonly source: string;
}): Promise<Decider & { readonly revision: string }> {
  const { bundle, entrypoint, source } = opts;
  const names = bundle.manifest.wasm.map((w) => w.entrypoint);
  if (names.length > 0 && !names.includes(entrypoint)) {
    throw new ImagegateError(
      'IMAGEGATE_POLICY_ENTRYPOINT_UNKNOWN',
      `bundle ${source} has no entrypoint ${JSON.stringify(entrypoint)} (it has ${names.map((n) => JSON.stringify(n)).join(', ')}); set policy.entrypoint or build with -e ${entrypoint}`,
    );
  }
  let policy: Awaited<ReturnType<typeof loadPolicy>>;
  try {
    policy = await loadPolicy(bundle.wasm, { initial: 5, maximum: MAX_MEMORY_PAGES }, { ...opts.builtins });
    policy.setData(bundle.data);
  } catch (err) {
    throw new ImagegateError('IMAGEGATE_POLICY_LOAD_FAILED', `cannot load ${source}/policy.wasm: ${errorMessage(err)}; rebuild the bundle`, { cause: err });
  }
  return {
    revision: bundle.manifest.revision,
    decide: ({ request, images }) => {
      const input = policyInput({ request, images });
      let verdict: Verdict;
      try {
        verdict = verdictFromResult({ resultSet: policy.evaluate(input, entrypoint), entrypoint });
      } catch (err) {
        const error = isImagegateError(err)
          ? err
          : new ImagegateError('IMAGEGATE_POLICY_EVALUATION_FAILED', `evaluating ${entrypoint} failed: ${sdkMessage(err)}`, { cause: err });
        verdict = { kind: 'undecided', error };
      }
      return Promise.resolve(verdict);
    },
  };
}

/** The SDK throws strings (opa_abort) and plain objects as well as Errors. */
function sdkMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  return errorMessage(err);
}
