import { performance } from 'node:perf_hooks';
import Fastify, { LogController, errorCodes, type FastifyReply, type FastifyRequest, type FastifyError } from 'fastify';
import type { Config } from '../config/index.js';
import { capString, type Logger } from '../log/index.js';
import { ImagegateError, isImagegateError } from '../errors/index.js';
import {
  createReviewIntake,
  mutateRequest,
  startDeadline,
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
import { connectionLimits, type ConnectionLimits } from './limits.js';
import { charsetProblem } from './charset.js';
import { readBody, ReceivedBody, type BodyReadResult } from './body.js';

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
  const limits = connectionLimits({ config: opts.config });
  const app = Fastify({
    loggerInstance: opts.logger,
    // One decision line per review replaces fastify's per-request lines.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: server.bodyLimitBytes,
    connectionTimeout: limits.idleTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    return503OnClosing: true,
    ...(opts.tls === undefined ? {} : { https: httpsOptions(opts.tls, limits) }),
  });
  app.server.headersTimeout = limits.headersTimeoutMs;
  app.server.maxConnections = limits.maxConnections;
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
  // Only the charset is checked here, before reading; the body is read into segments (body.ts,
  // instead of fastify's one whole-body copy at the end) and decoded and parsed by the review's
  // intake, inline or in a parser thread, within the review's deadline.
  app.addContentTypeParser('application/json', (req, payload, done) => {
    const problem = charsetProblem(req.headers['content-type']);
    if (problem !== undefined) return done(problem, undefined);
    void readBody({ stream: payload, limitBytes: server.bodyLimitBytes, declaredBytes: declaredLength(req.headers['content-length']) }).then((result) => {
      if (result.kind === 'body') done(null, result.body);
      else done(bodyError(result), undefined);
    });
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

function httpsOptions(tls: TlsMaterial, limits: ConnectionLimits) {
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2' as const,
    // The API server speaks HTTP/1.1 to webhooks; offering only it refuses h2-only clients.
    ALPNProtocols: ['http/1.1'],
    // Node's default is 120 s: a client that connects and never handshakes would hold a descriptor that long.
    handshakeTimeout: limits.handshakeTimeoutMs,
    // Node enforces headers/request timeouts only when it sweeps (every 30 s by default), which
    // would let a slowloris client hold a socket far past its timeout.
    connectionsCheckingInterval: limits.checkIntervalMs,
    ...(tls.clientCA === undefined ? {} : { ca: tls.clientCA, requestCert: true, rejectUnauthorized: true }),
  };
}

async function review(args: { endpoint: Endpoint; req: FastifyRequest; opts: AppOptions; intake: ReviewIntake }): Promise<AdmissionReviewResponse> {
  const { req, opts } = args;
  const started = performance.now();
  const { admission } = opts.config;
  const budgetMs = reviewBudgetMs({
    query: timeoutQuery(req.query),
    limits: { defaultMs: admission.defaultTimeoutMs, minMs: admission.minTimeoutMs, maxMs: admission.maxTimeoutMs, marginMs: admission.deadlineMarginMs },
  });
  // Owned by this review and cleared when it ends (see startDeadline: a timer that cannot be collected).
  const deadline = startDeadline({ ms: budgetMs, what: 'the review deadline' });
  const { signal } = deadline;
  try {
    // A POST without a body reaches here with none: it is parsed as empty, hence malformed.
    const segments = req.body instanceof ReceivedBody ? req.body.segments : [];
    const accepted = await args.intake.accept({ segments, signal });
    try {
      return await answer({ ...args, summary: accepted.summary, signal, started });
    } finally {
      accepted.release();
    }
  } finally {
    deadline.dispose();
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

/** The Content-Length header as a number; undefined when absent (chunked), as fastify reads it. */
function declaredLength(header: string | undefined): number | undefined {
  const n = Number(header);
  return Number.isNaN(n) ? undefined : n;
}

/**
 * A body that could not be read, as the error fastify's own body reader gives (same codes and
 * statuses: 413 over server.bodyLimitBytes, 400 when Content-Length is not what arrived), and
 * 400 IMAGEGATE_REQUEST_MALFORMED when the stream failed (the client aborted, mostly).
 */
function bodyError(result: Exclude<BodyReadResult, { kind: 'body' }>): Error {
  switch (result.kind) {
    case 'too-large':
      return new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    case 'length-mismatch':
      return new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
    case 'stream-error':
      return new ImagegateError('IMAGEGATE_REQUEST_MALFORMED', `the request body could not be read to its end (${result.error.message}); send the whole body in one request`, { cause: result.error });
  }
}

function timeoutQuery(query: unknown): string | undefined {
  if (typeof query !== 'object' || query === null || !('timeout' in query)) return undefined;
  return typeof query.timeout === 'string' ? query.timeout : undefined;
}

const MAX_LOGGED_IMAGES = 20;
/**
 * Per-field caps of the decision line, in characters: Kubernetes' own maxima where there is one
 * (names are DNS subdomains ≤ 253, namespaces and kinds labels ≤ 63), else generous. The request
 * is the caller's, so every string in it can be megabytes; the logger caps any field at
 * defaultLogCaps as well, these keep a decision line near 10 KB at worst.
 */
const DECISION_FIELD_CAPS = { uid: 100, namespace: 63, name: 253, kind: 63, operation: 16, subResource: 63, user: 256, image: 300, reason: 1_000 } as const;

/** One structured line per review; never the object itself, which may hold secrets in env. */
function logDecision(args: { logger: Logger; endpoint: Endpoint; request: AdmissionRequest; outcome: AdmissionOutcome; seconds: number }): void {
  const { request, outcome } = args;
  const cap = DECISION_FIELD_CAPS;
  args.logger.info({
    event: 'admission.decision',
    endpoint: args.endpoint,
    uid: capString({ value: request.uid, max: cap.uid }),
    namespace: capString({ value: request.namespace, max: cap.namespace }),
    name: capString({ value: request.name, max: cap.name }),
    kind: capString({ value: request.kind.kind, max: cap.kind }),
    operation: capString({ value: request.operation, max: cap.operation }),
    subResource: capString({ value: request.subResource, max: cap.subResource }),
    user: capString({ value: request.username, max: cap.user }),
    dryRun: request.dryRun,
    images: outcome.images.slice(0, MAX_LOGGED_IMAGES).map((i) => capString({ value: i, max: cap.image })),
    imageCount: outcome.images.length,
    verdict: outcome.verdict,
    allowed: outcome.allowed,
    reason: outcome.status === undefined ? undefined : capString({ value: outcome.status.message, max: cap.reason }),
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
