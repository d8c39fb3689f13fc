import type { Config } from '../config/index.js';

/**
 * How long the server stays silent on a healthy connection beyond the longest review: a review
 * answers by `admission.maxTimeoutMs - deadlineMarginMs`, and the API server itself waits at most
 * `admission.maxTimeoutMs`; this grace covers writing the reply on a loaded event loop.
 */
export const REPLY_GRACE_MS = 1_000;

/** The connection limits the HTTPS server runs with, every one derived from or checked against the config. */
export interface ConnectionLimits {
  /** TLS handshake must finish within this (ms); blocks clients that connect and never handshake. */
  readonly handshakeTimeoutMs: number;
  /** Headers must arrive within this of a request's start, or of a fresh connection's handshake (ms). */
  readonly headersTimeoutMs: number;
  /** Headers and body must arrive within this (ms) = admission.maxTimeoutMs: blocks slow bodies. */
  readonly requestTimeoutMs: number;
  /**
   * A socket with no traffic either way is closed after this (ms). Longer than the longest review
   * so a slow decision is never cut off (the 15 s hang-up of issue 8); shorter than forever so a
   * client that stops reading its reply is dropped.
   */
  readonly idleTimeoutMs: number;
  /** An idle keep-alive connection between requests is closed after this (ms). */
  readonly keepAliveTimeoutMs: number;
  /** How often Node sweeps connections for the headers/request timeouts (ms; its default is 30 s). */
  readonly checkIntervalMs: number;
  /** Open connections, handshaking ones included; more are closed on accept. */
  readonly maxConnections: number;
}

/** Derives the server's connection limits; `validateConfig` has checked their relations. */
export function connectionLimits(opts: { readonly config: Config }): ConnectionLimits {
  const { server, admission } = opts.config;
  return {
    handshakeTimeoutMs: server.tls.handshakeTimeoutMs,
    headersTimeoutMs: server.headersTimeoutMs,
    requestTimeoutMs: admission.maxTimeoutMs,
    idleTimeoutMs: admission.maxTimeoutMs + REPLY_GRACE_MS,
    keepAliveTimeoutMs: server.keepAliveTimeoutMs,
    checkIntervalMs: Math.max(50, Math.min(1_000, Math.floor(server.headersTimeoutMs / 2))),
    maxConnections: server.maxConnections,
  };
}
