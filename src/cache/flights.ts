import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.js';

/** Outcome of one shared lookup; failures are values so they can be cached like successes. */
export type Settled<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/**
 * A settled outcome, whether it came from the cache (no work started or joined), and `expiresAt`:
 * the clock time (ms) from which the cache no longer serves it. An outcome that was not cached
 * (TTL 0, a failure `cacheable` refused, an abort) expires when it was observed: it is stale at once.
 */
export type Served<T, E> = Settled<T, E> & { readonly cached: boolean; readonly expiresAt: number };

/** What one flight settles with: the outcome and until when the cache serves it. */
type Landed<T, E> = Settled<T, E> & { readonly expiresAt: number };

export interface FlightCacheOptions {
  readonly clock: Clock;
  readonly maxEntries: number;
  /** Successes are reused this long (ms); 0 disables. */
  readonly ttlMs: number;
  /** Failures are remembered this long (ms), in their own cache so they never evict successes. */
  readonly failureTtlMs: number;
}

interface Flight<T, E> {
  readonly key: string;
  readonly promise: Promise<Landed<T, E>>;
  readonly controller: AbortController;
  waiters: number;
}

/**
 * A TTL cache with single-flight: concurrent lookups of one key share one piece of work. The
 * work is aborted only when every caller waiting for it has given up (its own signal aborted),
 * so a short caller deadline cannot fail a longer one that joined the same flight.
 */
export class FlightCache<T, E> {
  private readonly ok: LRUCache<string, { readonly value: T; readonly expiresAt: number }>;
  private readonly failed: LRUCache<string, { readonly error: E; readonly expiresAt: number }>;
  private readonly flights = new Map<string, Flight<T, E>>();

  constructor(private readonly opts: FlightCacheOptions) {
    this.ok = new LRUCache({ max: opts.maxEntries, ttl: Math.max(1, opts.ttlMs), ttlResolution: 0, perf: opts.clock });
    this.failed = new LRUCache({
      max: opts.maxEntries,
      ttl: Math.max(1, opts.failureTtlMs),
      ttlResolution: 0,
      perf: opts.clock,
    });
  }

  /**
   * The cached or shared outcome for `key`, else runs `work`. Resolves with `onAbort()` when
   * `signal` aborts first. `cacheable` decides whether a failure is remembered.
   */
  async get(opts: {
    readonly key: string;
    readonly signal: AbortSignal;
    readonly work: (signal: AbortSignal) => Promise<T>;
    readonly toError: (err: unknown) => E;
    readonly cacheable: (error: E) => boolean;
    readonly onAbort: () => E;
    /** How long (ms) this value may be reused, when sooner than the cache's `ttlMs` (e.g. a grade's next drop). */
    readonly ttlOf?: (value: T) => number | undefined;
  }): Promise<Served<T, E>> {
    const cached = this.peek(opts.key);
    if (cached !== undefined) return cached;
    const flight = this.flights.get(opts.key) ?? this.start(opts);
    return { ...(await this.wait(flight, opts.signal, opts.onAbort)), cached: false };
  }

  /**
   * The cached outcome for `key` (a value, else a remembered failure), without starting work.
   * An entry is served strictly before its expiresAt: at that instant its evidence may already
   * have changed (a grade's scheduled drop), as the verdict cache also reads it.
   */
  peek(key: string): Served<T, E> | undefined {
    const now = this.opts.clock.now();
    const hit = this.ok.get(key);
    if (hit !== undefined && now < hit.expiresAt)
      return { ok: true, value: hit.value, cached: true, expiresAt: hit.expiresAt };
    const miss = this.failed.get(key);
    if (miss !== undefined && now < miss.expiresAt)
      return { ok: false, error: miss.error, cached: true, expiresAt: miss.expiresAt };
    return undefined;
  }

  private start(opts: Parameters<FlightCache<T, E>['get']>[0]): Flight<T, E> {
    const controller = new AbortController();
    const { clock, ttlMs, failureTtlMs } = this.opts;
    // lru-cache keeps an entry while clock ≤ now + ttl; get() serves it only while clock < expiresAt.
    const promise = opts.work(controller.signal).then(
      (value): Landed<T, E> => {
        const now = clock.now();
        const ttl = Math.min(ttlMs, opts.ttlOf?.(value) ?? Infinity);
        if (!(ttl > 0)) return { ok: true, value, expiresAt: now };
        const expiresAt = now + ttl;
        this.ok.set(opts.key, { value, expiresAt }, { ttl });
        return { ok: true, value, expiresAt };
      },
      (err: unknown): Landed<T, E> => {
        const error = opts.toError(err);
        const now = clock.now();
        if (failureTtlMs <= 0 || controller.signal.aborted || !opts.cacheable(error))
          return { ok: false, error, expiresAt: now };
        const expiresAt = now + failureTtlMs;
        this.failed.set(opts.key, { error, expiresAt });
        return { ok: false, error, expiresAt };
      },
    );
    const flight: Flight<T, E> = { key: opts.key, promise, controller, waiters: 0 };
    this.flights.set(opts.key, flight);
    void promise.finally(() => {
      if (this.flights.get(opts.key) === flight) this.flights.delete(opts.key);
    });
    return flight;
  }

  private wait(flight: Flight<T, E>, signal: AbortSignal, onAbort: () => E): Promise<Landed<T, E>> {
    if (signal.aborted) return Promise.resolve({ ok: false, error: onAbort(), expiresAt: this.opts.clock.now() });
    flight.waiters++;
    return new Promise((resolve) => {
      const leave = (): void => {
        signal.removeEventListener('abort', abandon);
        flight.waiters--;
      };
      const abandon = (): void => {
        leave();
        if (flight.waiters === 0) {
          // Nobody waits any more: stop the work, and let the next caller start afresh.
          if (this.flights.get(flight.key) === flight) this.flights.delete(flight.key);
          flight.controller.abort(signal.reason);
        }
        resolve({ ok: false, error: onAbort(), expiresAt: this.opts.clock.now() });
      };
      signal.addEventListener('abort', abandon, { once: true });
      void flight.promise.then((settled) => {
        if (signal.aborted) return;
        leave();
        resolve(settled);
      });
    });
  }
}
