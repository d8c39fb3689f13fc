import type { Dispatcher } from 'undici';
import { startDeadline, untilAborted } from '../admission/index.js';
import { isImagegateError } from '../errors/index.js';
import { healthError } from './errors.js';

/** What every request to one configured health service shares. */
export interface Endpoint {
  readonly dispatcher: Dispatcher;
  /** The configured base URL: the only origin ever contacted, its path the prefix of every request. */
  readonly base: URL;
  /** Names the source in messages, e.g. `health.sources[0] (pyxis)`. */
  readonly label: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

export interface JsonReply {
  readonly status: number;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: unknown;
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number, label: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buf.length;
    if (total > maxBytes) {
      body.destroy();
      throw healthError(
        'protocol',
        `${label}: the answer exceeds health.maxResponseBytes (${maxBytes} bytes); raise it if the source is legitimate`,
      );
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Maps a status that is not the source's own answer to the failure it means. */
function statusFailure(status: number, label: string): Error | undefined {
  if (status === 429)
    return healthError('rateLimited', `${label}: rate limited (HTTP 429); the grade is unknown until it answers`);
  if (status >= 500) return healthError('unavailable', `${label}: the service failed (HTTP ${status})`);
  if (status === 401 || status === 403)
    return healthError('unauthorized', `${label}: access refused (HTTP ${status}); check the source's credentials`);
  if (status >= 300 && status < 400)
    // Never followed: a redirect could point the lookup at a host nobody configured.
    return healthError(
      'protocol',
      `${label}: answered a redirect (HTTP ${status}), which is never followed; configure the final URL`,
    );
  return undefined;
}

/**
 * GET `path` (with `query`) under the endpoint's base URL and parse JSON, within
 * `health.timeoutMs` and the caller's signal. Statuses in `accept` are returned (with their
 * parsed body, if any); 429, 5xx, 401/403 and 3xx throw their failure; others are protocol errors.
 */
export async function getJson(opts: {
  readonly endpoint: Endpoint;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly accept: readonly number[];
  readonly signal: AbortSignal;
}): Promise<JsonReply> {
  const { endpoint: e } = opts;
  const basePath = e.base.pathname.replace(/\/$/, '');
  const url = new URL(`${e.base.origin}${basePath}${opts.path}`);
  // Paths carry parts of the image's name: a `..` or `%2e%2e` segment must not climb out of the
  // configured base (to another API of the same host).
  if (url.origin !== e.base.origin || !url.pathname.startsWith(`${basePath}/`) || /\/\.\.?(\/|$)/i.test(opts.path))
    throw healthError('protocol', `${e.label}: refused to request a path outside ${e.base.href}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const deadline = startDeadline({
    ms: e.timeoutMs,
    parent: opts.signal,
    what: `health.timeoutMs = ${e.timeoutMs} ms`,
  });
  try {
    const pending = e.dispatcher.request({
      origin: e.base.origin,
      path: url.pathname + url.search,
      method: 'GET',
      headers: { accept: 'application/json', ...opts.headers },
      signal: deadline.signal,
    });
    const res = await untilAborted({ work: pending, signal: deadline.signal });
    const failure = statusFailure(res.statusCode, e.label);
    if (failure !== undefined || !opts.accept.includes(res.statusCode)) {
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      throw failure ?? healthError('protocol', `${e.label}: unexpected HTTP ${res.statusCode}`);
    }
    const text = (
      await untilAborted({ work: readCapped(res.body, e.maxResponseBytes, e.label), signal: deadline.signal })
    ).toString('utf8');
    if (text.trim() === '') return { status: res.statusCode, body: undefined };
    try {
      const body: unknown = JSON.parse(text);
      return { status: res.statusCode, body };
    } catch (err) {
      throw healthError('protocol', `${e.label}: the answer (HTTP ${res.statusCode}) is not JSON`, { cause: err });
    }
  } catch (err) {
    if (isImagegateError(err)) throw err;
    if (deadline.signal.aborted) {
      const within = deadline.expired ? `health.timeoutMs (${e.timeoutMs} ms)` : 'the review deadline';
      throw healthError('timeout', `${e.label}: no complete answer within ${within}`, { cause: err });
    }
    const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? ` (${err.code})` : '';
    throw healthError('unavailable', `${e.label}: cannot be reached${code}`, { cause: err });
  } finally {
    deadline.dispose();
  }
}
