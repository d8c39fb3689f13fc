import { performance } from 'node:perf_hooks';
import Fastify, { LogController, errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config/index.js';
import { capString, type Logger } from '../log/index.js';
import { ImagegateError, errorMessage } from '../errors/index.js';
import {
  createReviewIntake,
  mutateRequest,
  startDeadline,
  toReviewResponse,
  validateRequest,
  type AdmissionOutcome,
  type AdmissionRequest,
  type AdmissionReviewResponse,
  type EnforcementRecord,
  type LoggedViolation,
  type Decider,
  type FactGatherer,
  type NamespaceLabelsReader,
  type Pinner,
  type ReviewIntake,
  type ReviewSummary,
} from '../admission/index.js';
import type { Metrics } from './metrics.js';
import { answerClientError } from './client-error.js';
import { createSwappable, type Generation, type ReviewDeps, type Swappable } from './live.js';
import { instrumentDecider } from './instrument.js';
import type { Readiness } from './readiness.js';
import { closeOnlyAnsweredConnections } from './closing.js';
import { reviewBudgetMs } from './timeout.js';
import { summaryLimitsOf, validateDepsOf } from './validate-deps.js';
import { connectionLimits, type ConnectionLimits } from './limits.js';
import { charsetProblem } from './charset.js';
import { httpErrorOf, notFound, serverClosing, type HttpError } from './envelope.js';
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
  /** The facts stage of /validate; absent: policies decide on image strings alone. */
  readonly gatherer?: FactGatherer;
  /** Reads `request.namespaceLabels` for /validate's policy (admission.namespaceLabels); absent: not read. */
  readonly namespaceLabels?: NamespaceLabelsReader;
  readonly metrics: Metrics;
  /** Absent: plain HTTP, for inject() tests only; `imagegate serve` always passes TLS. */
  readonly tls?: TlsMaterial;
  /** What /readyz answers (default: always ready, naming nothing). */
  readonly readiness?: () => Readiness;
  /** True once a graceful shutdown began (every answer then says `Connection: close`); default never. */
  readonly draining?: () => boolean;
  /**
   * The swappable set reviews are decided with (hot reload); absent: config, decider, pinner,
   * gatherer and namespaceLabels above, fixed. Its deciders must be instrumented by its builder
   * (instrumentDecider); the fixed ones are instrumented here.
   */
  readonly live?: Swappable<ReviewDeps>;
}

/** The fixed review dependencies of an app without hot reload. */
function fixedDeps(opts: AppOptions): Swappable<ReviewDeps> {
  return createSwappable<ReviewDeps>({
    config: opts.config,
    decider: instrumentDecider({ decider: opts.decider, metrics: opts.metrics }),
    ...(opts.pinner === undefined ? {} : { pinner: opts.pinner }),
    ...(opts.gatherer === undefined ? {} : { gatherer: opts.gatherer }),
    ...(opts.namespaceLabels === undefined ? {} : { namespaceLabels: opts.namespaceLabels }),
  });
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
    // Requests that arrive while closing get the one envelope from the hook below, not fastify's own 503 body.
    return503OnClosing: false,
    // Requests Node's HTTP parser refuses (malformed, headers too large, too slow) answer in the envelope too.
    clientErrorHandler: answerClientError,
    // Bad URLs and over-long parameters answer in the one error envelope as well.
    // Fastify awaits nothing from this hook: the reply (a thenable) is sent, not returned.
    frameworkErrors: (err, req, reply) => {
      void rejectRequest({ err, req, reply, metrics: opts.metrics, bodyLimitBytes: server.bodyLimitBytes });
    },
    ...(opts.tls === undefined ? {} : { https: httpsOptions(opts.tls, limits) }),
  });
  app.server.headersTimeout = limits.headersTimeoutMs;
  app.server.maxConnections = limits.maxConnections;
  closeOnlyAnsweredConnections(app.server, { graceMs: limits.headersTimeoutMs });
  const intake = createReviewIntake({
    limits: {
      maxConcurrentReviews: server.maxConcurrentReviews,
      maxParsingBytes: server.maxParsingBytes,
      parseInWorkerAboveBytes: server.parseInWorkerAboveBytes,
      summary: summaryLimitsOf(opts.config),
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
    void readBody({
      stream: payload,
      limitBytes: server.bodyLimitBytes,
      declaredBytes: declaredLength(req.headers['content-length']),
    }).then((result) => {
      if (result.kind === 'body') done(null, result.body);
      else done(bodyError(result), undefined);
    });
  });
  app.setErrorHandler((err, req, reply) =>
    rejectRequest({ err, req, reply, metrics: opts.metrics, bodyLimitBytes: server.bodyLimitBytes }),
  );
  app.setNotFoundHandler((req, reply) => sendError({ answer: notFound(), req, reply, metrics: opts.metrics }));
  // A request on a connection still open while the server closes (keep-alive, pipelined) is
  // refused at once, so shutdown never waits on new reviews; the load balancer retries elsewhere.
  let closing = false;
  app.addHook('preClose', () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    if (closing) return sendError({ answer: serverClosing(), req, reply, metrics: opts.metrics });
    // While draining, each connection closes after its answer: the API server's next review
    // opens a new one, which the Service routes to a replica still ready (kube-proxy moves only
    // new connections), and no connection sits idle for the final close to cut under a request.
    if (opts.draining?.() === true) reply.header('connection', 'close');
    return undefined;
  });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', (_req, reply) => {
    const state = opts.readiness?.() ?? { kind: 'ready' };
    if (state.kind === 'not-ready') return reply.code(503).send({ status: 'not ready', reason: state.reason });
    const { kind: _kind, ...live } = state;
    return { status: 'ready', ...live };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  const live = opts.live ?? fixedDeps(opts);
  for (const endpoint of ['validate', 'mutate'] as const) {
    app.post(`/${endpoint}`, async (req) => {
      // Held from body to answer: a reload that swaps meanwhile closes this set only after it.
      const generation = live.acquire();
      try {
        return await review({ endpoint, req, opts, intake, generation });
      } finally {
        generation.release();
      }
    });
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

async function review(args: {
  endpoint: Endpoint;
  req: FastifyRequest;
  opts: AppOptions;
  intake: ReviewIntake;
  generation: Generation<ReviewDeps>;
}): Promise<AdmissionReviewResponse> {
  const { req } = args;
  const started = performance.now();
  const { admission } = args.generation.value.config;
  const budgetMs = reviewBudgetMs({
    query: timeoutQuery(req.query),
    limits: {
      defaultMs: admission.defaultTimeoutMs,
      minMs: admission.minTimeoutMs,
      maxMs: admission.maxTimeoutMs,
      marginMs: admission.deadlineMarginMs,
    },
  });
  // Owned by this review and cleared when it ends (see startDeadline: a timer that cannot be collected).
  const deadline = startDeadline({ ms: budgetMs, what: 'the review deadline' });
  const { signal } = deadline;
  try {
    // A POST without a body reaches here with none: it is parsed as empty, hence malformed.
    const segments = req.body instanceof ReceivedBody ? req.body.segments : [];
    const accepted = await args.intake.accept({ segments, signal });
    try {
      return await answer({
        endpoint: args.endpoint,
        opts: args.opts,
        deps: args.generation.value,
        summary: accepted.summary,
        signal,
        started,
      });
    } finally {
      accepted.release();
    }
  } finally {
    deadline.dispose();
  }
}

async function answer(args: {
  endpoint: Endpoint;
  opts: AppOptions;
  deps: ReviewDeps;
  summary: ReviewSummary;
  signal: AbortSignal;
  started: number;
}): Promise<AdmissionReviewResponse> {
  const { endpoint, opts, deps, summary, signal } = args;
  const { request } = summary;
  const outcome =
    endpoint === 'validate'
      ? await validateRequest({
          summary,
          signal,
          deps: validateDepsOf(deps),
        })
      : await mutateRequest({
          summary,
          signal,
          deps: {
            mirrors: deps.config.registries.mirrors,
            ...(deps.pinner === undefined ? {} : { pinner: deps.pinner }),
          },
        });
  const seconds = (performance.now() - args.started) / 1000;
  opts.metrics.reviews.inc({ endpoint, verdict: verdictLabel(outcome) });
  opts.metrics.duration.observe({ endpoint }, seconds);
  for (const u of outcome.unpinned ?? []) opts.metrics.unpinnedImages.inc({ code: u.code });
  if (outcome.enforcement !== undefined) countViolations(opts.metrics, outcome.enforcement);
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
      return new ImagegateError(
        'IMAGEGATE_REQUEST_MALFORMED',
        `the request body could not be read to its end (${result.error.message}); send the whole body in one request`,
        { cause: result.error },
      );
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
const DECISION_FIELD_CAPS = {
  uid: 100,
  namespace: 63,
  name: 253,
  kind: 63,
  operation: 16,
  subResource: 63,
  user: 256,
  image: 300,
  /** The denial message is at most 4096 characters (src/admission/messages.ts): logged whole. */
  reason: 4_096,
  message: 300,
  rule: 63,
  path: 100,
  container: 63,
} as const;

/**
 * Violations listed per mode in the decision line (the counts say how many there were): with the
 * caps above, the five lists stay under 45 KB at worst, a few hundred bytes usually.
 */
const MAX_LOGGED_VIOLATIONS = 10;

/**
 * The `verdict` label of imagegate_admission_reviews_total and of the decision log: allow, deny,
 * error (no decision, admitted or not), skip (nothing to evaluate). Dashboards key on these.
 */
function verdictLabel(outcome: AdmissionOutcome): 'allow' | 'deny' | 'error' | 'skip' {
  switch (outcome.kind) {
    case 'allowed':
      return 'allow';
    case 'skipped':
      return 'skip';
    case 'denied':
      return 'deny';
    case 'undecided-admitted':
    case 'undecided-denied':
      return 'error';
    default:
      return outcome satisfies never;
  }
}

/** The decision line's verdict fields; `reason` is the denial message, capped at `maxReason` characters. */
function decisionLogFields(
  outcome: AdmissionOutcome,
  maxReason: number,
): { verdict: string; allowed: boolean; reason: string | undefined; patched: number } {
  const verdict = verdictLabel(outcome);
  switch (outcome.kind) {
    case 'allowed':
      return { verdict, allowed: true, reason: undefined, patched: outcome.patch?.length ?? 0 };
    case 'skipped':
    case 'undecided-admitted':
      return { verdict, allowed: true, reason: undefined, patched: 0 };
    case 'denied':
    case 'undecided-denied':
      return {
        verdict,
        allowed: false,
        reason: capString({ value: outcome.status.message, max: maxReason }),
        patched: 0,
      };
    default:
      return outcome satisfies never;
  }
}

/** One structured line per review; never the object itself, which may hold secrets in env. */
function logDecision(args: {
  logger: Logger;
  endpoint: Endpoint;
  request: AdmissionRequest;
  outcome: AdmissionOutcome;
  seconds: number;
}): void {
  const { request, outcome } = args;
  const cap = DECISION_FIELD_CAPS;
  args.logger.info(
    {
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
      ...decisionLogFields(outcome, cap.reason),
      unpinned: outcome.unpinned
        ?.slice(0, MAX_LOGGED_IMAGES)
        .map((u) => ({ image: capString({ value: u.image, max: cap.image }), code: u.code })),
      ...enforcementLogFields(outcome.enforcement),
      durationMs: Math.round(args.seconds * 1e6) / 1e3,
    },
    'admission decision',
  );
}

/** imagegate_policy_violations_total: each violation of a review, by rule and the mode it was handled in. */
function countViolations(metrics: Metrics, record: EnforcementRecord): void {
  const modes = [
    ['enforce', record.denied],
    ['warn', record.warned],
    ['audit', record.audited],
    ['exempt', record.exempted],
    ['dry-run', record.wouldDeny],
  ] as const;
  for (const [mode, list] of modes)
    for (const v of list) metrics.violations.inc({ rule: metrics.violationRule(v.rule), mode });
}

/**
 * The decision line's enforcement fields: `exemption` (the reason a namespace was not evaluated)
 * and, when non-empty, the violations per mode (denied, warned, audited, wouldDeny, exempted with
 * its reason), at most MAX_LOGGED_VIOLATIONS each, with their counts.
 */
function enforcementLogFields(record: EnforcementRecord | undefined): Record<string, unknown> {
  if (record === undefined) return {};
  const fields: Record<string, unknown> = {};
  if (record.namespaceExemption !== undefined) fields.exemption = record.namespaceExemption;
  const lists = {
    denied: record.denied,
    warned: record.warned,
    audited: record.audited,
    wouldDeny: record.wouldDeny,
    exempted: record.exempted,
  };
  for (const [name, list] of Object.entries(lists)) {
    if (list.length === 0) continue;
    fields[name] = list.slice(0, MAX_LOGGED_VIOLATIONS).map(loggedViolation);
    fields[`${name}Count`] = list.length;
  }
  return fields;
}

function loggedViolation(v: LoggedViolation): LoggedViolation {
  const cap = DECISION_FIELD_CAPS;
  return {
    rule: capString({ value: v.rule, max: cap.rule }),
    path: capString({ value: v.path, max: cap.path }),
    container: capString({ value: v.container, max: cap.container }),
    image: capString({ value: v.image, max: cap.image }),
    message: capString({ value: v.message, max: cap.message }),
    ...(v.reason === undefined ? {} : { reason: v.reason }),
  };
}

/**
 * Every request refused before a decision (and every unexpected failure) answers in the one
 * envelope {"error":{"code","message"}} with a catalogued IMAGEGATE_ code, counted by status.
 */
function rejectRequest(args: {
  err: unknown;
  req: FastifyRequest;
  reply: FastifyReply;
  metrics: Metrics;
  bodyLimitBytes: number;
}): FastifyReply {
  const { err, req } = args;
  const answer = httpErrorOf({ err, bodyLimitBytes: args.bodyLimitBytes, contentType: req.headers['content-type'] });
  if (answer.status === 500)
    req.log.error(
      { event: 'request.error', err: { message: errorMessage(err), code: errorCodeOf(err) } },
      'request failed',
    );
  return sendError({ answer, req, reply: args.reply, metrics: args.metrics });
}

/** Sends an HttpError and counts it; the endpoint label is the matched route, never the caller's path. */
function sendError(args: {
  answer: HttpError;
  req: FastifyRequest;
  reply: FastifyReply;
  metrics: Metrics;
}): FastifyReply {
  const endpoint = args.req.routeOptions.url ?? 'unknown';
  args.metrics.rejectedRequests.inc({ endpoint, status: String(args.answer.status) });
  return args.reply.code(args.answer.status).send(args.answer.body);
}

function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}
