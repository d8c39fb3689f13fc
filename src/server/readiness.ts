import type { ReviewDeps } from './live.js';

/** What GET /readyz answers: 200 with what is live, or 503 with why not. */
export type Readiness =
  | {
      readonly kind: 'ready';
      readonly revision?: string;
      readonly configHash?: string;
      /** ISO 8601 notAfter of the serving certificate. */
      readonly certificateNotAfter?: string;
    }
  | { readonly kind: 'not-ready'; readonly reason: string };

/**
 * Ready only while not shutting down, with a policy loaded (the server listens only after its
 * first bundle loaded, and a reload swaps only a loaded one in) and a serving certificate that
 * has not expired: an expired one would fail every API server call, so the pod should leave the
 * Service rather than take reviews it cannot answer.
 */
export function readinessOf(opts: {
  readonly draining: boolean;
  readonly deps: ReviewDeps;
  /** notAfter of the serving certificate (ms since the epoch); absent without TLS (inject() tests). */
  readonly certificateNotAfterMs?: number;
  readonly nowMs: number;
}): Readiness {
  const { deps, certificateNotAfterMs: notAfter } = opts;
  if (opts.draining)
    return {
      kind: 'not-ready',
      reason: 'shutting down: still answering reviews until the drain ends; take this replica out of the Service',
    };
  if (notAfter !== undefined && notAfter <= opts.nowMs)
    return {
      kind: 'not-ready',
      reason: `the serving certificate expired at ${new Date(notAfter).toISOString()}; replace server.tls.certFile/keyFile (they are re-read without a restart)`,
    };
  return {
    kind: 'ready',
    ...(deps.revision === undefined ? {} : { revision: deps.revision }),
    ...(deps.configHash === undefined ? {} : { configHash: deps.configHash }),
    ...(notAfter === undefined ? {} : { certificateNotAfter: new Date(notAfter).toISOString() }),
  };
}
