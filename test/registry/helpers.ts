import type { RegistriesConfig } from '../../src/config/index.js';
import { validateConfig } from '../../src/config/internal.js';
import { parseImageReference } from '../../src/images/internal.js';
import type { PinOutcome } from '../../src/admission/index.js';

/** The registries section as `imagegate serve` would load it from YAML. */
export function registriesConfig(value: Record<string, unknown>): RegistriesConfig {
  return validateConfig({ value: { registries: value }, source: 'test' }).registries;
}

export const ref = parseImageReference;

/** A signal that never aborts on its own (the tests' lookups end by the registry's timeout). */
export function longSignal(): AbortSignal {
  return new AbortController().signal;
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_000_000): { now(): number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function reasonOf(o: PinOutcome | undefined): string {
  if (o === undefined) throw new Error('no outcome');
  if (o.kind !== 'unresolved') throw new Error(`expected unresolved, got ${JSON.stringify(o)}`);
  return o.reason;
}

export function pinnedOf(o: PinOutcome | undefined): string {
  if (o === undefined) throw new Error('no outcome');
  if (o.kind !== 'pinned') throw new Error(`expected pinned, got ${JSON.stringify(o)}`);
  return o.image;
}
