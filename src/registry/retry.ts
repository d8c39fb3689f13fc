import { RegistryProblem, problem } from './errors.js';
import { header, send, type Exchange, type LookupContext, type Reply } from './http.js';
import { sleep } from './limiter.js';

/** Attempts per request, the first included. Only GET exists here: idempotent. */
const MAX_ATTEMPTS = 3;
/** First backoff in ms; doubles per attempt, with jitter between 50 % and 100 %. */
const BASE_BACKOFF_MS = 100;
/** A wait must leave this much of the deadline for the retried request itself (ms). */
const SPARE_MS = 50;

function backoffMs(ctx: LookupContext, attempt: number): number {
  const full = BASE_BACKOFF_MS * 2 ** (attempt - 1);
  return Math.round(full * (0.5 + ctx.random() / 2));
}

function fits(ctx: LookupContext, waitMs: number): boolean {
  return ctx.clock.now() + waitMs + SPARE_MS < ctx.deadlineAt;
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,9}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

type Step = { readonly retryInMs: number } | { readonly done: Reply };

function judge(ctx: LookupContext, reply: Reply, attempt: number): Step {
  if (reply.status === 429) {
    const wait = retryAfterMs(header(reply.headers, 'retry-after')) ?? backoffMs(ctx, attempt);
    if (attempt < MAX_ATTEMPTS && fits(ctx, wait)) return { retryInMs: wait };
    throw problem(
      'rateLimited',
      `rate limited (HTTP 429, retry after ${Math.ceil(wait / 1000)} s, beyond the lookup deadline)`,
    );
  }
  if (reply.status >= 500) {
    const wait = backoffMs(ctx, attempt);
    if (attempt < MAX_ATTEMPTS && fits(ctx, wait)) return { retryInMs: wait };
    throw problem('unavailable', `the registry failed (HTTP ${reply.status}) after ${attempt} attempt(s)`);
  }
  return { done: reply };
}

/**
 * send() with retries of 5xx, 429 and connection errors, backing off with jitter, and only while
 * the wait fits before the lookup deadline (a Retry-After beyond it fails at once).
 */
export async function sendWithRetry(ctx: LookupContext, ex: Exchange): Promise<Reply> {
  for (let attempt = 1; ; attempt++) {
    let step: Step;
    try {
      step = judge(ctx, await send(ctx, ex), attempt);
    } catch (err) {
      if (!(err instanceof RegistryProblem) || !err.retryable) throw err;
      const wait = backoffMs(ctx, attempt);
      if (attempt >= MAX_ATTEMPTS || !fits(ctx, wait)) throw err;
      step = { retryInMs: wait };
    }
    if ('done' in step) return step.done;
    await sleep(step.retryInMs, ctx.signal).catch((err: unknown) => {
      throw problem('timeout', 'the deadline passed while waiting to retry', { cause: err });
    });
  }
}
