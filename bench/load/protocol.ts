/**
 * The messages between the load benchmark (bench/load.bench.ts) and its load driver process
 * (driver.ts), over the child-process IPC channel. The driver only sends requests and times
 * them; every decision about what to send and how to read the figures stays in the parent.
 */
import { isRecord } from '../../src/guards/index.js';

/** A server the driver talks to: origin, CA to trust, and headers sent with every request. */
export interface Target {
  readonly origin: string;
  readonly ca: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * One value per request in a body: a fresh uid (as the API server sends), or the value
 * `values[floor(n / period) % values.length]` for request number n, so that several cycles
 * with periods 1, k, k² walk through every combination before one repeats.
 */
export type Slot =
  { readonly kind: 'uid' } | { readonly kind: 'cycle'; readonly values: readonly string[]; readonly period: number };

/** A body as text between slots: parts.length === slots.length + 1. */
export interface BodySpec {
  readonly parts: readonly string[];
  readonly slots: readonly Slot[];
}

/** What one closed-loop or open-loop run sends: `first` numbers the first request (for cycles). */
interface LoadJob {
  readonly target: string;
  readonly path: string;
  readonly spec: BodySpec;
  readonly first: number;
  readonly durationMs: number;
}

export type Job =
  | ({ readonly kind: 'closed'; readonly concurrency: number } & LoadJob)
  | ({ readonly kind: 'open'; readonly ratePerSecond: number } & LoadJob)
  | {
      readonly kind: 'single';
      readonly target: string;
      readonly method: 'POST' | 'HEAD';
      readonly path: string;
      readonly body?: string;
    };

export type Command =
  | { readonly type: 'init'; readonly targets: Readonly<Record<string, Target>> }
  | { readonly type: 'run'; readonly id: number; readonly job: Job }
  | { readonly type: 'exit' };

/** Counts of one run: requests sent, answered 200 with `"allowed":true`, and HTTP statuses seen. */
export interface Tally {
  readonly sent: number;
  readonly allowed: number;
  readonly statuses: Readonly<Record<string, number>>;
}

export type JobResult =
  | ({ readonly kind: 'closed'; readonly elapsedMs: number } & Tally)
  | ({
      readonly kind: 'open';
      /** Latency of each request, from its scheduled send time to the last byte of its answer (ms). */
      readonly latenciesMs: readonly number[];
      /** How late the driver itself was in sending, p99 (ms): above ~2 ms the driver, not the server, limited the run. */
      readonly sendLagP99Ms: number;
    } & Tally)
  | { readonly kind: 'single'; readonly status: number; readonly ms: number; readonly text: string };

export type Reply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly result: JobResult }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/** The body of request number `n`: `uid` fills every uid slot. */
export function render(spec: BodySpec, n: number, uid: string): string {
  let out = spec.parts[0] ?? '';
  spec.slots.forEach((slot, i) => {
    out += slotValue(slot, n, uid) + (spec.parts[i + 1] ?? '');
  });
  return out;
}

function slotValue(slot: Slot, n: number, uid: string): string {
  switch (slot.kind) {
    case 'uid':
      return uid;
    case 'cycle':
      return slot.values[Math.floor(n / slot.period) % slot.values.length] ?? '';
    default:
      return slot satisfies never;
  }
}

/**
 * Splits `text` at every `@@NAME@@` marker; `slotOf` says what fills each. Markers carry no
 * character JSON escapes, so they survive being stringified twice (as inside an annotation).
 */
export function bodySpec(text: string, slotOf: (name: string) => Slot): BodySpec {
  const pieces = text.split(/@@([A-Z0-9]+)@@/);
  const parts = pieces.filter((_, i) => i % 2 === 0);
  const slots = pieces.filter((_, i) => i % 2 === 1).map(slotOf);
  return { parts, slots };
}

/** A reply as the parent receives it (IPC delivers parsed JSON: checked, never cast). */
export function isReply(v: unknown): v is Reply {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'done':
      return typeof v.id === 'number' && isJobResult(v.result);
    case 'failed':
      return typeof v.id === 'number' && typeof v.message === 'string';
    default:
      return false;
  }
}

function isJobResult(v: unknown): v is JobResult {
  if (!isRecord(v)) return false;
  const counted = typeof v.sent === 'number' && typeof v.allowed === 'number' && isRecord(v.statuses);
  switch (v.kind) {
    case 'closed':
      return counted && typeof v.elapsedMs === 'number';
    case 'open':
      return (
        counted &&
        typeof v.sendLagP99Ms === 'number' &&
        Array.isArray(v.latenciesMs) &&
        v.latenciesMs.every((x) => typeof x === 'number')
      );
    case 'single':
      return typeof v.status === 'number' && typeof v.ms === 'number' && typeof v.text === 'string';
    default:
      return false;
  }
}

/** A command as the driver receives it. */
export function isCommand(v: unknown): v is Command {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'init':
      return isRecord(v.targets);
    case 'run':
      return typeof v.id === 'number' && isJob(v.job);
    case 'exit':
      return true;
    default:
      return false;
  }
}

function isJob(v: unknown): v is Job {
  if (!isRecord(v) || typeof v.target !== 'string' || typeof v.path !== 'string') return false;
  const load = isRecord(v.spec) && typeof v.first === 'number' && typeof v.durationMs === 'number';
  switch (v.kind) {
    case 'closed':
      return load && typeof v.concurrency === 'number';
    case 'open':
      return load && typeof v.ratePerSecond === 'number';
    case 'single':
      return v.method === 'POST' || v.method === 'HEAD';
    default:
      return false;
  }
}
