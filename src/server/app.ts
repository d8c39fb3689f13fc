import { performance } from 'node:perf_hooks';
import Fastify, { LogController, type FastifyReply, type FastifyRequest, type FastifyError } from 'fastify';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/index.js';
import { isImagegateError } from '../errors/index.js';
import {
  createReviewIntake,
  mutateRequest,
  toReviewResponse,
  validateRequest,
  type AdmissionOutcome,
  type AdmissionRequest,
  type AdmissionReviewResponse,
  type Decider,
  type Pinner,
  type ReviewIntake,
  type ReviewSummary,
} from '../admission/index.js';
import type { Metrics } from './metrics.js';
import { reviewBudgetMs } from './timeout.js';
import { charsetProblem } from './charset.js';

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
  const intake = createReviewIntake({
    limits: {
      maxConcurrentReviews: server.maxConcurrentReviews,
      maxParsingBytes: server.maxParsingBytes,
      parseInWorkerAboveBytes: server.parseInWorkerAboveBytes,
      summary: { maxDepth: server.maxJsonDepth, maxImages: opts.config.admission.maxImages },
    },
  });
  app.addHook('onClose', () => intake.close());
  app.removeAllContentTypeParsers();
  // Only the charset is checked here; the bytes are decoded and parsed by the review's intake,
  // inline or in a parser thread, within the review's deadline.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const problem = charsetProblem(req.headers['content-type']);
    if (problem === undefined) done(null, body);
    else done(problem, undefined);
  });
  app.setErrorHandler((err: FastifyError, req, reply) => rejectRequest({ err, req, reply, metrics: opts.metrics }));
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', (_req, reply) => (opts.isReady?.() ?? true ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' })));
  app.get('/metrics', async (_req, reply) => {
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  for (const endpoint of ['validate', 'mutate'] as const) {
    app.post(`/${endpoint}`, (req) => review({ endpoint, req, opts, intake }));
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

async function review(args: { endpoint: Endpoint; req: FastifyRequest; opts: AppOptions; intake: ReviewIntake }): Promise<AdmissionReviewResponse> {
  const { req, opts } = args;
  const started = performance.now();
  const { admission } = opts.config;
  const budgetMs = reviewBudgetMs({ query: timeoutQuery(req.query), defaultMs: admission.defaultTimeoutMs, marginMs: admission.deadlineMarginMs });
  const signal = AbortSignal.timeout(budgetMs);
  // A POST without a body reaches here with none: it is parsed as empty, hence malformed.
  const bytes = req.body instanceof Uint8Array ? req.body : new Uint8Array(0);
  const accepted = await args.intake.accept({ bytes, signal });
  try {
    return await answer({ ...args, summary: accepted.summary, signal, started });
  } finally {
    accepted.release();
  }
}

async function answer(args: { endpoint: Endpoint; opts: AppOptions; summary: ReviewSummary; signal: AbortSignal; started: number }): Promise<AdmissionReviewResponse> {
  const { endpoint, opts, summary, signal } = args;
  const { admission } = opts.config;
  const { request } = summary;
  const outcome = endpoint === 'validate'
    ? await validateRequest({ summary, signal, deps: { decider: opts.decider, failurePolicy: admission.failurePolicy } })
    : await mutateRequest({ summary, signal, deps: { ...(opts.pinner === undefined ? {} : { pinner: opts.pinner }) } });
  const seconds = (performance.now() - args.started) / 1000;
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

/** HTTP status of the errors a review can end with before it is decided. */
const STATUS_BY_CODE: ReadonlyMap<string, number> = new Map([
  ['IMAGEGATE_REQUEST_MALFORMED', 400],
  ['IMAGEGATE_REQUEST_NOT_UTF8', 400],
  ['IMAGEGATE_REQUEST_CHARSET_UNSUPPORTED', 415],
  ['IMAGEGATE_SERVER_BUSY', 503],
  ['IMAGEGATE_DEADLINE_EXCEEDED', 503],
]);

/** Malformed or refused requests get a 4xx (503 when busy) JSON error and never an AdmissionReview. */
function rejectRequest(args: { err: FastifyError; req: FastifyRequest; reply: FastifyReply; metrics: Metrics }): FastifyReply {
  const { err, reply } = args;
  const declared: unknown = err.statusCode;
  const clientError = typeof declared === 'number' && declared >= 400 && declared < 500 ? declared : 500;
  const status = (isImagegateError(err) ? STATUS_BY_CODE.get(err.code) : undefined) ?? clientError;
  const endpoint = args.req.routeOptions.url ?? 'unknown';
  args.metrics.rejectedRequests.inc({ endpoint, status: String(status) });
  if (status === 500) args.req.log.error({ event: 'request.error', err: { message: err.message, code: err.code } }, 'request failed');
  return reply.code(status).send({ error: { code: err.code, message: status === 500 ? 'internal error; see imagegate log' : err.message } });
}
