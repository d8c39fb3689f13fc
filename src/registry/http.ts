import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { untilAborted } from '../admission/index.js';
import type { Clock } from '../cache/index.js';
import { readBounded } from '../net/index.js';
import { problem } from './errors.js';
import { classify } from './failures.js';
import type { Semaphore } from './limiter.js';
import type { AddressPins } from './addresses.js';
import type { RegistrySettings } from './settings.js';

/** What every request of one tag lookup shares: its registry, its deadline and its host limit. */
export interface LookupContext {
  readonly dispatcher: Dispatcher;
  readonly settings: RegistrySettings;
  /** Aborts at the lookup's deadline (the caller's signal or registries.hosts[].timeoutMs). */
  readonly signal: AbortSignal;
  readonly deadlineAt: number;
  readonly clock: Clock;
  readonly limiter: Semaphore;
  readonly random: () => number;
  /** The SSRF guard: the checked address each host name of this lookup connects to. */
  readonly addresses: AddressPins;
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly url: URL;
}

export interface Exchange {
  readonly method: 'GET';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent only to the host of `url`; dropped on any redirect to another host. */
  readonly authorization?: string;
  /** The body is refused past this many bytes (the read is aborted, not drained). */
  readonly maxBytes: number;
}

/** Redirects followed per request; more is a loop or an attack. */
export const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function timeoutText(ctx: LookupContext): string {
  return `within the deadline (at most registries.hosts[].timeoutMs = ${ctx.settings.timeoutMs} ms)`;
}

/** Checks a redirect target: scheme never downgraded, host the origin's or an allowed one. */
function redirectTarget(ctx: LookupContext, from: URL, location: string | undefined): URL {
  if (location === undefined) throw problem('protocol', `a redirect (from ${from.host}) has no Location`);
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    throw problem('redirectRefused', 'a redirect points to an invalid URL');
  }
  if (to.protocol !== 'https:' && to.protocol !== 'http:')
    throw problem('redirectRefused', `a redirect uses the scheme ${to.protocol.slice(0, 10)}`);
  if (from.protocol === 'https:' && to.protocol === 'http:')
    throw problem('redirectRefused', `a redirect to ${to.host} downgrades https to plain http`);
  if (to.host !== ctx.settings.originHost && !ctx.settings.allowedHosts.has(to.host)) {
    throw problem(
      'redirectRefused',
      `a redirect points to ${to.host}, which is not in registries.hosts[].allowedHosts`,
    );
  }
  return to;
}

/**
 * The origin with the host name replaced by the address checked for it. The Host header keeps
 * the name, and undici derives the TLS servername (SNI and certificate check) from it.
 */
function pinnedOrigin(url: URL, address: string): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return `${url.protocol}//${host}${url.port === '' ? '' : `:${url.port}`}`;
}

async function once(ctx: LookupContext, ex: Exchange, url: URL, withAuth: boolean): Promise<Reply> {
  const headers: Record<string, string> = { ...ex.headers, host: url.host };
  if (withAuth && ex.authorization !== undefined) headers.authorization = ex.authorization;
  const address = await ctx.addresses.addressOf(url.hostname);
  const release = await ctx.limiter.acquire(ctx.signal).catch((err: unknown) => {
    // Waiting in the host's queue is part of the lookup: ending there is a timeout, never "unavailable".
    throw problem(
      'timeout',
      `no free request slot (registries.hosts[].maxConcurrency = ${ctx.settings.maxConcurrency}) ${timeoutText(ctx)}`,
      { cause: err },
    );
  });
  try {
    const pending = ctx.dispatcher.request({
      origin: pinnedOrigin(url, address),
      path: url.pathname + url.search,
      method: ex.method,
      headers,
      signal: ctx.signal,
      headersTimeout: ctx.settings.timeoutMs,
      bodyTimeout: ctx.settings.timeoutMs,
    });
    const res = await untilAborted({ work: pending, signal: ctx.signal });
    const limit = REDIRECT_STATUSES.has(res.statusCode) ? 64 * 1024 : ex.maxBytes;
    const body = await readBounded({
      body: res.body,
      maxBytes: limit,
      declaredLength: header(res.headers, 'content-length'),
      tooLarge: ({ declared, maxBytes }) =>
        problem(
          'limitExceeded',
          declared === undefined
            ? `the response exceeds the limit of ${maxBytes} bytes`
            : `the response declares ${declared} bytes, over the limit of ${maxBytes}`,
        ),
    });
    return { status: res.statusCode, headers: res.headers, body, url };
  } catch (err) {
    throw classify(err, ctx.signal, timeoutText(ctx));
  } finally {
    release();
  }
}

/**
 * One request, following at most MAX_REDIRECTS redirects to allowed hosts. `Authorization`
 * goes only to the host of `ex.url`, so a redirect cannot carry credentials elsewhere.
 */
export async function send(ctx: LookupContext, ex: Exchange): Promise<Reply> {
  let url = ex.url;
  for (let hop = 0; ; hop++) {
    const reply = await once(ctx, ex, url, url.host === ex.url.host);
    if (!REDIRECT_STATUSES.has(reply.status)) return reply;
    if (hop >= MAX_REDIRECTS) throw problem('redirectRefused', `more than ${MAX_REDIRECTS} redirects (a loop?)`);
    url = redirectTarget(ctx, url, header(reply.headers, 'location'));
  }
}
