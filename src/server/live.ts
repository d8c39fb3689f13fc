import type { Config } from '../config/index.js';
import type { Decider, FactGatherer, NamespaceLabelsReader, Pinner } from '../admission/index.js';

/**
 * Everything one review is decided with. A reload builds a whole new set off to the side and
 * swaps it in at once, so no review ever mixes the old policy with the new config.
 */
export interface ReviewDeps {
  /** The config its parts were built from; reviews read `admission.*` from it. */
  readonly config: Config;
  readonly decider: Decider;
  readonly pinner?: Pinner;
  readonly gatherer?: FactGatherer;
  readonly namespaceLabels?: NamespaceLabelsReader;
  /** The live policy bundle's revision, for /readyz and the revision metric; absent for test deciders. */
  readonly revision?: string;
  /** sha256 of the config file's bytes ("(embedded defaults)" without one), for /readyz. */
  readonly configHash?: string;
}

/** One value as one review holds it; `release` once the review is done with it (idempotence is the caller's). */
export interface Generation<T> {
  readonly value: T;
  release(): void;
}

/**
 * A value that is swapped while users hold it. `acquire` pins the live value for one review
 * (no allocation: the generation object itself is the lease); `swap` makes a new value live for
 * every later `acquire` and resolves with the old value once its last holder released it, so
 * the caller can close the old value without cutting a review off.
 */
export interface Swappable<T> {
  acquire(): Generation<T>;
  current(): T;
  /** Makes `next` live; resolves with the previous value once nobody holds it any more. */
  swap(next: T): Promise<T>;
  /** Reviews holding any generation right now. */
  inFlight(): number;
}

/** One generation: its value, the reviews holding it, and who waits for the last of them. */
class Held<T> implements Generation<T> {
  private leases = 0;
  private drained: (() => void) | undefined;

  constructor(
    readonly value: T,
    private readonly counter: { holders: number },
  ) {}

  hold(): this {
    this.leases++;
    this.counter.holders++;
    return this;
  }

  release(): void {
    this.leases--;
    this.counter.holders--;
    if (this.leases === 0) this.drained?.();
  }

  /** Resolves with the value once no review holds it (at once when none does). */
  retire(): Promise<T> {
    if (this.leases === 0) return Promise.resolve(this.value);
    return new Promise((resolve) => {
      this.drained = () => {
        resolve(this.value);
      };
    });
  }
}

export function createSwappable<T>(initial: T): Swappable<T> {
  const counter = { holders: 0 };
  let live = new Held(initial, counter);
  return {
    acquire: () => live.hold(),
    current: () => live.value,
    swap: (next) => {
      const old = live;
      live = new Held(next, counter);
      return old.retire();
    },
    inFlight: () => counter.holders,
  };
}
