import { Writable } from 'node:stream';
import {
  startDeadline,
  summariseReview,
  validateRequest,
  toReviewResponse,
  type AdmissionOutcome,
  type ReviewSummary,
  type Decider,
  type FactGatherer,
  type NamespaceLabelsReader,
} from '../admission/index.js';
import { defaultConfig, loadConfigFile, type Config } from '../config/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { policyInput, type PolicyInput } from '../policy/index.js';
import { createMetrics, reviewBudgetMs, summaryLimitsOf, validateDepsOf, type ReviewDeps } from '../server/index.js';
import { offlineGatherer, readFactsFile, recordingGatherer, replayGatherer, type FactsFile } from './check-facts.js';
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
  /** The images reviewed, as written. */
  readonly images: readonly string[];
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
 * summariser and validateRequest. Offline and replay runs build no part that contacts anything
 * at start-up (no TUF mirror, no Kubernetes API) and swap the facts stage for one that
 * contacts nothing. The logger gets what the parts log (warnings and up, on stderr).
 */
export async function openChecker(opts: {
  readonly config: Config;
  readonly facts: FactsMode;
  readonly logger: Logger;
  /** Capture each object's policy input (`imagegate policy input`). */
  readonly captureInput?: boolean;
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
  const recorder = facts.kind === 'live' && facts.record ? recordingGatherer(liveGatherer(parts)) : undefined;
  const gatherer: FactGatherer =
    facts.kind === 'live'
      ? (recorder ?? liveGatherer(parts))
      : replayed !== undefined && facts.kind === 'replay'
        ? replayGatherer({ file: facts.file, facts: replayed, sourceNames })
        : offlineGatherer({ sourceNames });
  const inputs = new Map<string, PolicyInput>();
  const decider = opts.captureInput === true ? capturing(parts.deps.decider, inputs) : parts.deps.decider;
  const labels = facts.kind !== 'live' && config.admission.namespaceLabels.enabled ? offlineLabels : undefined;
  const deps: ReviewDeps = {
    ...parts.deps,
    config,
    decider,
    gatherer,
    ...(labels === undefined ? {} : { namespaceLabels: labels }),
  };
  let n = 0;
  return {
    check: async ({ object, namespace }) => {
      n += 1;
      const uid = `imagegate-check-${n}`;
      const verdict = await checkObject({ object, namespace, deps, uid });
      const input = inputs.get(uid);
      inputs.delete(uid);
      return input === undefined ? verdict : { ...verdict, input };
    },
    recorded: () => recorder?.recorded(),
    close: () => ledger.release(parts),
  };
}

function liveGatherer(parts: ServeParts): FactGatherer {
  const { gatherer } = parts.deps;
  if (gatherer === undefined) throw new Error('buildServeParts built no fact gatherer');
  return gatherer;
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
}): Promise<ObjectVerdict> {
  const { object, deps } = opts;
  const id = identityOf({ object: object.object, namespace: opts.namespace });
  const base = { file: object.file, where: object.where, id };
  if (!isReviewedKind(id)) return { ...base, verdict: 'skipped', warnings: [], images: [] };
  const bytes = createReviewBytes({ object: object.object, id, uid: opts.uid });
  const { config } = deps;
  // The same summariser and limits as the webhook's intake: an object it would reject, this rejects.
  const summary = summariseReview({ bytes, limits: summaryLimitsOf(config) });
  const { admission } = config;
  const ms = reviewBudgetMs({
    query: undefined,
    limits: {
      defaultMs: admission.defaultTimeoutMs,
      minMs: admission.minTimeoutMs,
      maxMs: admission.maxTimeoutMs,
      marginMs: admission.deadlineMarginMs,
    },
  });
  const deadline = startDeadline({ ms, what: 'the review deadline' });
  try {
    const outcome = await validateRequest({ summary, signal: deadline.signal, deps: validateDepsOf(deps) });
    return { ...base, ...verdictOf(summary, outcome) };
  } finally {
    deadline.dispose();
  }
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
