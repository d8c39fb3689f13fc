import { Writable } from 'node:stream';
import {
  startDeadline,
  mutateRequest,
  summariseReview,
  validateRequest,
  toReviewResponse,
  type AdmissionOutcome,
  type ReviewSummary,
  type Decider,
  type FactGatherer,
  type NamespaceLabelsReader,
  type Pinner,
} from '../admission/index.js';
import { defaultConfig, loadConfigFile, type Config } from '../config/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { policyInput, type PolicyInput } from '../policy/index.js';
import { createMetrics, reviewBudgetMs, summaryLimitsOf, validateDepsOf, type ReviewDeps } from '../server/index.js';
import {
  createRecorder,
  offlineGatherer,
  offlinePinner,
  readFactsFile,
  replayGatherer,
  replayPinner,
  type FactsFile,
} from './check-facts.js';
import { applyReplaces } from './check-patch.js';
import type { ManifestObject } from './check-manifests.js';
import { createReviewBytes, identityOf, isReviewedKind, type ObjectIdentity } from './check-review.js';
import { buildServeParts, createPartLedger, type ServeParts } from './serve-parts.js';

/** How a check run gets its facts: from the registries and sources (as the webhook), none (--offline), or a file (--facts). */
export type FactsMode =
  | { readonly kind: 'live'; readonly record: boolean }
  | { readonly kind: 'offline' }
  | { readonly kind: 'replay'; readonly file: string };

/** One manifest object's verdict, as `imagegate check` prints it. */
export interface ObjectVerdict {
  readonly file: string;
  readonly where: string;
  readonly id: ObjectIdentity;
  /** `skipped`: a kind the webhook does not review. */
  readonly verdict: 'allowed' | 'denied' | 'skipped';
  /** The admission response's status code when denied (403 policy, 400 invalid object, 500 undecided). */
  readonly code?: number;
  /** The denial message exactly as the webhook's `status.message`. */
  readonly message?: string;
  readonly warnings: readonly string[];
  /** The images /validate judged: as written, or as /mutate pinned them. */
  readonly images: readonly string[];
  /** What /mutate changed before /validate ran: each image field's pointer and its pinned image. */
  readonly pinned: readonly { readonly path: string; readonly image: string }[];
  /** The policy input, when asked for and the policy was run. */
  readonly input?: PolicyInput;
}

export interface Checker {
  check(opts: { readonly object: ManifestObject; readonly namespace: string | undefined }): Promise<ObjectVerdict>;
  /** The facts gathered so far, when recording. */
  recorded(): FactsFile | undefined;
  close(): Promise<void>;
}

/** The config of `--config FILE`, or the embedded defaults `imagegate serve` runs on without one. */
export async function checkConfig(file: string | undefined): Promise<Config> {
  return file === undefined ? defaultConfig : loadConfigFile(file);
}

/**
 * Builds the webhook's review dependencies from `config` with serve-parts' buildServeParts, as
 * `imagegate serve` does, and decides manifest objects with them through the webhook's own
 * summariser, mutateRequest (its patch applied) and validateRequest. Offline and replay runs build no part that contacts anything
 * at start-up (no TUF mirror, no Kubernetes API) and swap the facts stage for one that
 * contacts nothing. The logger gets what the parts log (warnings and up, on stderr).
 */
export async function openChecker(opts: {
  readonly config: Config;
  readonly facts: FactsMode;
  readonly logger: Logger;
  /** Capture each object's policy input (`imagegate policy input`). */
  readonly captureInput?: boolean;
  /** Run /mutate first, as the API server does with both webhooks installed (default true). */
  readonly mutate?: boolean;
}): Promise<Checker> {
  const { config, facts } = opts;
  const replayed = facts.kind === 'replay' ? await readFactsFile(facts.file) : undefined;
  const parts = await buildServeParts({
    config: facts.kind === 'live' ? config : contactless(config),
    configHash: 'imagegate check',
    policyHash: '',
    logger: opts.logger,
    metrics: createMetrics(),
  });
  const ledger = createPartLedger();
  ledger.retain(parts);
  const sourceNames = [parts.health, parts.signatures].flatMap((s) => (s === undefined ? [] : [s.name]));
  const stages = factStages({ parts, facts, replayed, sourceNames });
  const inputs = new Map<string, PolicyInput>();
  const decider = opts.captureInput === true ? capturing(parts.deps.decider, inputs) : parts.deps.decider;
  const labels = facts.kind !== 'live' && config.admission.namespaceLabels.enabled ? offlineLabels : undefined;
  const deps: ReviewDeps = {
    ...parts.deps,
    config,
    decider,
    pinner: stages.pinner,
    gatherer: stages.gatherer,
    ...(labels === undefined ? {} : { namespaceLabels: labels }),
  };
  // Offline, /mutate could pin nothing (each tag would only be warned about as offline): it is skipped.
  const mutate = (opts.mutate ?? true) && facts.kind !== 'offline';
  let n = 0;
  return {
    check: async ({ object, namespace }) => {
      n += 1;
      const uid = `imagegate-check-${n}`;
      const verdict = await checkObject({ object, namespace, deps, uid, mutate });
      const input = inputs.get(uid);
      inputs.delete(uid);
      return input === undefined ? verdict : { ...verdict, input };
    },
    recorded: () => stages.recorded?.(),
    close: () => ledger.release(parts),
  };
}

/** /mutate's pinner and /validate's facts stage: the webhook's own (recorded or not), or ones that contact nothing. */
function factStages(opts: {
  readonly parts: ServeParts;
  readonly facts: FactsMode;
  readonly replayed: FactsFile | undefined;
  readonly sourceNames: readonly string[];
}): { pinner: Pinner; gatherer: FactGatherer; recorded?: () => FactsFile } {
  const { facts, sourceNames } = opts;
  switch (facts.kind) {
    case 'live': {
      const { gatherer } = opts.parts.deps;
      if (gatherer === undefined) throw new Error('buildServeParts built no fact gatherer');
      const live = { pinner: opts.parts.pinner, gatherer };
      if (!facts.record) return live;
      const recorder = createRecorder(live);
      return { pinner: recorder.pinner, gatherer: recorder.gatherer, recorded: () => recorder.recorded() };
    }
    case 'offline':
      return { pinner: offlinePinner(), gatherer: offlineGatherer({ sourceNames }) };
    case 'replay': {
      const { replayed } = opts;
      if (replayed === undefined) throw new Error('the --facts file was not read');
      return {
        pinner: replayPinner({ file: facts.file, facts: replayed }),
        gatherer: replayGatherer({ file: facts.file, facts: replayed, sourceNames }),
      };
    }
    default:
      return facts satisfies never;
  }
}

/** The config with nothing that contacts a network when its parts are built (TUF mirror, Kubernetes API). */
function contactless(config: Config): Config {
  const { tuf: _tuf, ...signatures } = config.signatures;
  const namespaceLabels = { ...config.admission.namespaceLabels, enabled: false };
  return { ...config, signatures, admission: { ...config.admission, namespaceLabels } };
}

/** Offline, the namespace's labels cannot be read: policies see namespaceLabelsError, as when the API is down. */
const offlineLabels: NamespaceLabelsReader = {
  read: () =>
    Promise.resolve({
      kind: 'error',
      error: {
        code: 'IMAGEGATE_CHECK_OFFLINE',
        message: 'offline: imagegate check does not read namespace labels from the Kubernetes API',
      },
    }),
};

function capturing(decider: Decider, inputs: Map<string, PolicyInput>): Decider {
  return {
    decide: (args) => {
      inputs.set(args.request.uid, policyInput(args));
      return decider.decide(args);
    },
  };
}

async function checkObject(opts: {
  readonly object: ManifestObject;
  readonly namespace: string | undefined;
  readonly deps: ReviewDeps;
  readonly uid: string;
  readonly mutate: boolean;
}): Promise<ObjectVerdict> {
  const { object, deps, uid } = opts;
  const id = identityOf({ object: object.object, namespace: opts.namespace });
  const base = { file: object.file, where: object.where, id };
  if (!isReviewedKind(id)) return { ...base, verdict: 'skipped', warnings: [], images: [], pinned: [] };
  const { config } = deps;
  const limits = summaryLimitsOf(config);
  // One deadline for both webhooks, as each of the API server's calls has its own but CI has one run.
  const deadline = startDeadline({ ms: budgetMs(config), what: 'the review deadline' });
  const { signal } = deadline;
  try {
    // The same summariser and limits as the webhook's intake: an object it would reject, this rejects.
    const summaryOf = (o: Readonly<Record<string, unknown>>) =>
      summariseReview({ bytes: createReviewBytes({ object: o, id, uid }), limits });
    let admitted = object.object;
    let mutateWarnings: readonly string[] = [];
    let pinned: ObjectVerdict['pinned'] = [];
    if (opts.mutate) {
      const summary = summaryOf(admitted);
      const outcome = await mutateRequest({
        summary,
        signal,
        deps: { ...(deps.pinner === undefined ? {} : { pinner: deps.pinner }) },
      });
      mutateWarnings = toReviewResponse({ request: summary.request, outcome, mutating: true }).response.warnings ?? [];
      if (outcome.kind === 'allowed' && outcome.patch !== undefined) {
        admitted = applyReplaces(admitted, outcome.patch);
        pinned = outcome.patch.map((p) => ({ path: p.path, image: p.value }));
      }
    }
    const summary = summaryOf(admitted);
    const outcome = await validateRequest({ summary, signal, deps: validateDepsOf(deps) });
    const verdict = verdictOf(summary, outcome);
    return { ...base, ...verdict, warnings: [...mutateWarnings, ...verdict.warnings], pinned };
  } finally {
    deadline.dispose();
  }
}

/** The deadline of a review without `?timeout=`: admission.defaultTimeoutMs, clamped, less the margin. */
function budgetMs(config: Config): number {
  const { admission } = config;
  return reviewBudgetMs({
    query: undefined,
    limits: {
      defaultMs: admission.defaultTimeoutMs,
      minMs: admission.minTimeoutMs,
      maxMs: admission.maxTimeoutMs,
      marginMs: admission.deadlineMarginMs,
    },
  });
}

/**
 * The verdict as the API server receives it: the webhook's own AdmissionReview response
 * (toReviewResponse), so the message and the warnings, bounded as Kubernetes requires, are
 * exactly what kubectl would print.
 */
function verdictOf(
  summary: ReviewSummary,
  outcome: AdmissionOutcome,
): Pick<ObjectVerdict, 'verdict' | 'code' | 'message' | 'warnings' | 'images'> {
  const { response } = toReviewResponse({ request: summary.request, outcome, mutating: false });
  const warnings = response.warnings ?? [];
  const { images } = outcome;
  if (response.allowed || response.status === undefined) return { verdict: 'allowed', warnings, images };
  const { code, message } = response.status;
  return { verdict: 'denied', code, message, warnings, images };
}

/** A logger whose lines (warnings and up: what building the parts reports) go to `write`. */
export function stderrLogger(write: (line: string) => void): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') write(line);
      cb();
    },
  });
  return createLogger({ level: 'warn', destination });
}
