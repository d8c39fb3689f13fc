import { LRUCache } from 'lru-cache';
import type { Clock } from '../cache/index.js';
import type { Verdict } from '../admission/index.js';

/** The verdicts worth keeping: an undecided review is always evaluated again. */
export type CachedVerdict = Exclude<Verdict, { readonly kind: 'undecided' }>;

export interface VerdictCacheOptions {
  /** Verdicts kept at most; 0 turns the cache off. */
  readonly maxEntries: number;
  /** Approximate bytes of kept verdicts and keys at most (UTF-16 text plus a fixed overhead each). */
  readonly maxBytes: number;
  /** No verdict is served longer than this after its evaluation (ms), whatever its evidence says. */
  readonly maxTtlMs: number;
  /** The clock every `validUntil` is on (ms, src/cache). */
  readonly clock: Clock;
}

/** Counters for status(), tests and benchmarks. */
export interface VerdictCacheStatus {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  /** Approximate bytes held (see maxBytes). */
  readonly bytes: number;
}

/** Bytes counted per entry beyond its text: the LRU's node, the entry object, the verdict's objects. */
const ENTRY_OVERHEAD = 256;

interface Entry {
  readonly verdict: CachedVerdict;
  /** Clock ms from which the verdict is no longer served. */
  readonly expiresAt: number;
}

/**
 * Verdicts by review key (decider.ts builds the key from everything a verdict depends on),
 * bounded in entries and bytes, least recently used first out. A verdict is served only
 * strictly before its expiry: the earliest `validUntil` of its evidence, and at most `maxTtlMs`
 * after it was stored.
 */
export class VerdictCache {
  private readonly lru: LRUCache<string, Entry> | undefined;
  private hits = 0;
  private misses = 0;

  constructor(private readonly opts: VerdictCacheOptions) {
    this.lru =
      opts.maxEntries > 0 && opts.maxBytes > 0 && opts.maxTtlMs > 0
        ? new LRUCache<string, Entry>({
            max: opts.maxEntries,
            maxSize: opts.maxBytes,
            ttl: opts.maxTtlMs,
            ttlResolution: 0,
            perf: opts.clock,
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.lru !== undefined;
  }

  /** The verdict stored under `key` if it is still valid now; counts a hit or a miss. */
  get(key: string): CachedVerdict | undefined {
    const entry = this.lru?.get(key);
    if (entry !== undefined && this.opts.clock.now() < entry.expiresAt) {
      this.hits++;
      return entry.verdict;
    }
    if (entry !== undefined) this.lru?.delete(key);
    this.misses++;
    return undefined;
  }

  /** Keeps `verdict` until `validUntil` (clock ms; Infinity for none) or maxTtlMs from now, whichever is first. */
  set(key: string, verdict: CachedVerdict, validUntil: number): void {
    if (this.lru === undefined) return;
    const now = this.opts.clock.now();
    const expiresAt = Math.min(validUntil, now + this.opts.maxTtlMs);
    if (!(expiresAt > now)) return;
    const size = 2 * (key.length + JSON.stringify(verdict).length) + ENTRY_OVERHEAD;
    this.lru.set(key, { verdict, expiresAt }, { ttl: Math.ceil(expiresAt - now), size });
  }

  status(): VerdictCacheStatus {
    return {
      hits: this.hits,
      misses: this.misses,
      entries: this.lru?.size ?? 0,
      bytes: this.lru?.calculatedSize ?? 0,
    };
  }
}
