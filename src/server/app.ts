import { performance } from 'node:perf_hooks';
import Fastify, { LogController, type FastifyReply, type FastifyRequest, type FastifyError } from 'fastify';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/index.js';
import { isImagegateError } from '../errors/index.js';
import {
  mutateRequest,
  parseAdmissionReview,
  parseStrictJson,
  startDeadline,
  toReviewResponse,
  validateRequest,
  type AdmissionOutcome,
  type AdmissionRequest,
  type AdmissionReviewResponse,
  type Decider,
  type Pinner,
} from '../admission/index.js';
import type { Metrics } from './metrics.js';
import { reviewBudgetMs } from './timeout.js';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** PEM CA bundle: when set, clients must present a certificate it issued (mTLS). */
  readonly clientCA?: string;
}

export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly decider: Decider;
  readonly pinner?: Pinner;
  readonly metrics: Metrics;
  /** Absent: plain HTTP, for inject() tests only; `imagegate serve` always passes TLS. */
  readonly tls?: TlsMaterial;
  /** /readyz answers 503 while this returns false (default: always ready). */
  readonly isReady?: () => boolean;
}

type Endpoint = 'validate' | 'mutate';

/** Builds the webhook's HTTP(S) app without listening; `startServer` listens. */
export function buildApp(opts: AppOptions) {
  const { server } = opts.config;
  const app = Fastify({
    loggerInstance: opts.logger,
    // One decision line per review replaces fastify's per-request lines.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: server.bodyLimitBytes,
    connectionTimeout: server.requestTimeoutMs,
    requestTimeout: server.requestTimeoutMs,
    keepAliveTimeout: server.keepAliveTimeoutMs,
    return503OnClosing: true,
    ...(opts.tls === undefined ? {} : { https: { ...httpsOptions(opts.tls), connectionsCheckingInterval: checkEveryMs(server.headersTimeoutMs) } }),
  });
  app.server.headersTimeout = server.headersTimeoutMs;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseStrictJson({ text: typeof body === 'string' ? body : body.toString('utf8'), maxDepth: server.maxJsonDepth }));
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)), undefined);
    }
  });
  app.setErrorHandler((err: FastifyError, req, reply) => rejectRequest({ err, req, reply, metrics: opts.metrics }));
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', (_req, reply) => (opts.isReady?.() ?? true ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' })));
  app.get('/metrics', async (_req, reply) => {
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  for (const endpoint of ['validate', 'mutate'] as const) {
    app.post(`/${endpoint}`, (req) => review({ endpoint, req, opts }));
  }
  return app;
}

export type App = ReturnType<typeof buildApp>;

/**
 * Node enforces headersTimeout/requestTimeout only when it sweeps connections (every 30 s by
 * default), which would let a slowloris client hold a socket far past its timeout.
 */
function checkEveryMs(headersTimeoutMs: number): number {
  return Math.max(50, Math.min(1_000, Math.floor(headersTimeoutMs / 2)));
}

function httpsOptions(tls: TlsMaterial) {
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2' as const,
    // The API server speaks HTTP/1.1 to webhooks; offering only it refuses h2-only clients.
    ALPNProtocols: ['http/1.1'],
    ...(tls.clientCA === undefined ? {} : { ca: tls.clientCA, requestCert: true, rejectUnauthorized: true }),
  };
}

async function review(args: { endpoint: Endpoint; req: FastifyRequest; opts: AppOptions }): Promise<AdmissionReviewResponse> {
  const { endpoint, req, opts } = args;
  const started = performance.now();
  const request = parseAdmissionReview(req.body);
  const { admission } = opts.config;
  const budgetMs = reviewBudgetMs({ query: timeoutQuery(req.query), defaultMs: admission.defaultTimeoutMs, marginMs: admission.deadlineMarginMs });
  // Owned by this review and cleared when it ends (see startDeadline: a timer that cannot be collected).
  const deadline = startDeadline({ ms: budgetMs, what: 'the review deadline' });
  const { signal } = deadline;
  const outcome = await (endpoint === 'validate'
    ? validateRequest({ request, signal, deps: { decider: opts.decider, failurePolicy: admission.failurePolicy, maxImages: admission.maxImages } })
    : mutateRequest({ request, signal, deps: { maxImages: admission.maxImages, ...(opts.pinner === undefined ? {} : { pinner: opts.pinner }) } })
  ).finally(() => deadline.dispose());
  const seconds = (performance.now() - started) / 1000;
  opts.metrics.reviews.inc({ endpoint, verdict: outcome.verdict });
  opts.metrics.duration.observe({ endpoint }, seconds);
  logDecision({ logger: opts.logger, endpoint, request, outcome, seconds });
  return toReviewResponse({ request, outcome, mutating: endpoint === 'mutate' });
}

function timeoutQuery(query: unknown): string | undefined {
  if (typeof query !== 'object' || query === null || !('timeout' in query)) return undefined;
  return typeof query.timeout === 'string' ? query.timeout : undefined;
}

const MAX_LOGGED_IMAGES = 20;

/** One structured line per review; never the object itself, which may hold secrets in env. */
function logDecision(args: { logger: Logger; endpoint: Endpoint; request: AdmissionRequest; outcome: AdmissionOutcome; seconds: number }): void {
  const { request, outcome } = args;
  args.logger.info({
    event: 'admission.decision',
    endpoint: args.endpoint,
    uid: request.uid.slice(0, 100),
    namespace: request.namespace,
    name: request.name,
    kind: request.kind.kind,
    operation: request.operation,
    subResource: request.subResource,
    dryRun: request.dryRun,
    images: outcome.images.slice(0, MAX_LOGGED_IMAGES).map((i) => i.slice(0, 300)),
    verdict: outcome.verdict,
    allowed: outcome.allowed,
    reason: outcome.status?.message.slice(0, 1000),
    patched: outcome.patch?.length ?? 0,
    durationMs: Math.round(args.seconds * 1e6) / 1e3,
  }, 'admission decision');
}

/** Malformed or refused requests get a 4xx JSON error and never an AdmissionReview. */
function rejectRequest(args: { err: FastifyError; req: FastifyRequest; reply: FastifyReply; metrics: Metrics }): FastifyReply {
  const { err, reply } = args;
  const declared: unknown = err.statusCode;
  const clientError = typeof declared === 'number' && declared >= 400 && declared < 500 ? declared : 500;
  const status = isImagegateError(err, 'IMAGEGATE_REQUEST_MALFORMED') ? 400 : clientError;
  const endpoint = args.req.routeOptions.url ?? 'unknown';
  args.metrics.rejectedRequests.inc({ endpoint, status: String(status) });
  if (status === 500) args.req.log.error({ event: 'request.error', err: { message: err.message, code: err.code } }, 'request failed');
  return reply.code(status).send({ error: { code: err.code, message: status === 500 ? 'internal error; see imagegate log' : err.message } });
}
