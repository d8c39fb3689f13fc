import { ImagegateError } from '../errors/index.js';
import type { Decider } from '../admission/index.js';

/**
 * The decider used when no policy bundle is configured: every decision is undecided, so the
 * validating webhook denies (or, with failurePolicy Ignore, admits with a warning). It never
 * turns "no policy" into an allow.
 */
export function createUnconfiguredDecider(): Decider {
  const error = new ImagegateError(
    'IMAGEGATE_POLICY_NOT_CONFIGURED',
    'no policy bundle is configured; set policy.bundle in the config file to a bundle built with `imagegate policy build`',
  );
  return { decide: () => Promise.resolve({ kind: 'undecided', error }) };
}
