import type { Bundle } from './bundle.js';
import { restrictedInputKey } from './input-key.js';
import type { PolicyInput } from './input.js';
import { recordedInputPaths, sha256, type InputPath } from './paths.js';

/**
 * What a cached verdict is keyed on, reported at start-up: the input paths the bundle records,
 * the whole input (a bundle without a record, e.g. from `opa build`), or nothing cached.
 */
export type VerdictKeying =
  | { readonly kind: 'input-paths'; readonly paths: readonly InputPath[] }
  | { readonly kind: 'whole-input'; readonly reason: string }
  | { readonly kind: 'off'; readonly reason: string };

export interface ReviewKeyer {
  readonly keying: VerdictKeying;
  /** The cache key of one review: undefined when the review cannot be keyed (not cached). */
  key(input: PolicyInput, evidenceRevision: string | undefined): string | undefined;
}

/**
 * Keys reviews of one decider. A key hashes, unambiguously joined: the bundle's revision, the
 * hash of its policy.wasm, the entrypoint and the canonical merged data (bundle data with
 * policy.data laid over it), so no other policy or data can share a key; the fact sources'
 * revision; and the canonical input restricted to the paths the policy can read (input-key.ts),
 * with `request.uid` blanked: a uid is new in every review and a decision must not depend on it
 * (README). A bundle whose record names `input.request.uid` gets no cache at all.
 */
export function reviewKeyer(opts: {
  readonly bundle: Bundle;
  readonly entrypoint: string;
  /** false: the cache is configured off. */
  readonly enabled: boolean;
}): ReviewKeyer {
  const keying = keyingOf(opts);
  if (keying.kind === 'off') return { keying, key: () => undefined };
  const whole = restrictedInputKey({ paths: [[]] });
  const restricted = restrictedInputKey({ paths: keying.kind === 'input-paths' ? keying.paths : [[]] });
  const { bundle } = opts;
  const identity = sha256(
    JSON.stringify([bundle.manifest.revision, sha256(bundle.wasm), opts.entrypoint, whole(bundle.data)]),
  );
  return {
    keying,
    key: (input, evidenceRevision) => {
      const blanked = { ...input, request: { ...input.request, uid: '' } };
      let text: string;
      try {
        text = restricted(blanked);
      } catch {
        // A value JSON cannot write (a BigInt in a fact): such a review is evaluated every time.
        return undefined;
      }
      return sha256(`${identity}${JSON.stringify(evidenceRevision ?? '')}${text}`);
    },
  };
}

function keyingOf(opts: { readonly bundle: Bundle; readonly enabled: boolean }): VerdictKeying {
  if (!opts.enabled)
    return { kind: 'off', reason: 'policy.verdictCache is turned off (maxEntries, maxBytes or maxTtlMs is 0)' };
  const record = recordedInputPaths({ manifest: opts.bundle.manifest, wasm: opts.bundle.wasm });
  if (record.kind === 'unrecorded') return { kind: 'whole-input', reason: record.reason };
  if (record.paths.some(namesUid))
    return {
      kind: 'off',
      reason: 'the policy reads input.request.uid, which is new in every review: its verdicts are not cached',
    };
  return { kind: 'input-paths', paths: record.paths };
}

function namesUid(p: InputPath): boolean {
  return p.length >= 2 && (p[0] === 'request' || p[0] === null) && p[1] === 'uid';
}
