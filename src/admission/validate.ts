import { ImagegateError, isImagegateError, type ErrorCode } from '../errors/index.js';
import { tryParseImageReference } from '../images/index.js';
import { defaultConfig, type EnforcementConfig, type FailurePolicy } from '../config/index.js';
import type { ReviewSummary } from './summary.js';
import type {
  Decider,
  FactGatherer,
  ImageUnderReview,
  NamespaceLabels,
  NamespaceLabelsReader,
  PinContext,
  Verdict,
  Violation,
} from './ports.js';
import type { AdmissionOutcome, EnforcementRecord, LoggedViolation } from './outcome.js';
import { boundMessage, denialMessage, undecidedMessage, violationWarning } from './messages.js';
import { placeViolations, type PlacedViolation } from './placement.js';
import {
  labelsDecideExemption,
  namespaceExemption,
  splitViolations,
  type EnforcementSplit,
  type NamespaceView,
} from './enforcement.js';
import type { ImageSite } from './extract.js';
import { withDeadline } from './deadline.js';
import { pinContext } from './context.js';
import type { AdmissionRequest } from './review.js';
import { readNamespaceLabels } from './namespace.js';

export interface ValidateDeps {
  readonly decider: Decider;
  readonly failurePolicy: FailurePolicy;
  /** The facts stage; absent: the policy decides on the image strings alone (no digest, no facts). */
  readonly gatherer?: FactGatherer;
  /** Reads `request.namespaceLabels` for the policy (admission.namespaceLabels); absent: not read. */
  readonly namespaceLabels?: NamespaceLabelsReader;
  /** Modes, exemptions and dry-run (config `enforcement`); absent: the defaults (every rule enforced, system namespaces exempt). */
  readonly enforcement?: EnforcementConfig;
}

/**
 * The validating webhook: every new or changed image is parsed, its digest and facts gathered
 * (when a gatherer is configured), then decided by policy; the namespace's modes and exemptions
 * then say which violations deny. A namespace exempt from everything is not evaluated at all.
 */
export async function validateRequest(opts: {
  readonly summary: ReviewSummary;
  readonly deps: ValidateDeps;
  readonly signal: AbortSignal;
}): Promise<AdmissionOutcome> {
  const { deps, signal } = opts;
  const { request, selection: selected } = opts.summary;
  switch (selected.kind) {
    case 'skip':
      return { kind: 'skipped', warnings: [], images: [] };
    case 'reject':
      return deny({ code: 400, reason: 'BadRequest', message: boundMessage(selected.error.message), images: [] });
    case 'review':
      break;
    default:
      return selected satisfies never;
  }
  const enforcement = deps.enforcement ?? defaultConfig.enforcement;
  const images = selected.sites.map((s) => s.image);
  const { namespace } = request;
  // Exempt by name (system namespaces included): not even the labels are read.
  const byName = namespaceExemption({ view: { namespace, labels: undefined }, config: enforcement });
  if (byName !== undefined) return exempt(images, byName);
  // Never rejects: a failed read reaches the policy as namespaceLabelsError, and modes fail closed.
  const labels = readNamespaceLabels({ reader: deps.namespaceLabels, namespace, signal });
  const byLabels = labelsDecideExemption(enforcement)
    ? namespaceExemption({ view: { namespace, labels: await labels }, config: enforcement })
    : undefined;
  if (byLabels !== undefined) return exempt(images, byLabels);
  const { parsed, violations } = parseSites(selected.sites);
  const judged =
    parsed.length === 0
      ? { verdict: allowAll, images: parsed }
      : await judge({ deps, request, images: parsed, labels, signal, context: pinContext(opts.summary) });
  return conclude({
    ...judged,
    violations,
    request,
    sites: selected.sites,
    view: { namespace: request.namespace, labels: await labels },
    enforcement,
    failurePolicy: deps.failurePolicy,
  });
}

const allowAll: Verdict = { kind: 'allow', warnings: [] };

/**
 * Each site's image parsed; one that does not parse is an `image-reference` violation, decided
 * here before any network I/O (and subject to modes and exemptions like any rule).
 */
function parseSites(sites: readonly ImageSite[]): { parsed: ImageUnderReview[]; violations: Violation[] } {
  const parsed: ImageUnderReview[] = [];
  const violations: Violation[] = [];
  for (const site of sites) {
    const r = tryParseImageReference(site.image);
    if (r.ok) parsed.push({ site, ref: r.ref });
    else
      violations.push({
        container: site.container,
        image: site.image,
        rule: 'image-reference',
        message: r.error.message,
        fix: 'write a valid image reference such as registry.example.com/team/app:1.2.3',
        pointer: site.pointer,
      });
  }
  return { parsed, violations };
}

/** A namespace exempt from everything: admitted without evaluation, the reason kept for the decision log. */
function exempt(images: readonly string[], reason: string): AdmissionOutcome {
  return { kind: 'skipped', warnings: [], images, enforcement: { ...emptyRecord, namespaceExemption: reason } };
}
const emptyRecord: EnforcementRecord = { denied: [], warned: [], audited: [], wouldDeny: [], exempted: [] };

/**
 * Gathers each image's digest and facts, then decides on them (with the namespace's labels, read
 * meanwhile); a gatherer that fails undecides. Answers the images with their facts too.
 */
async function judge(opts: {
  readonly deps: ValidateDeps;
  readonly request: AdmissionRequest;
  readonly images: readonly ImageUnderReview[];
  readonly labels: Promise<NamespaceLabels | undefined>;
  readonly signal: AbortSignal;
  readonly context: PinContext | undefined;
}): Promise<{ verdict: Verdict; images: readonly ImageUnderReview[] }> {
  const { deps, request, signal } = opts;
  const { gatherer } = deps;
  let images = opts.images;
  if (gatherer !== undefined) {
    try {
      images = await gatherFacts({ gatherer, images: opts.images, signal, context: opts.context });
    } catch (err) {
      const error = asImagegateError(err, 'IMAGEGATE_INTERNAL', 'fact gathering failed');
      return { verdict: { kind: 'undecided', error }, images };
    }
  }
  const read = await opts.labels;
  const verdict = await decideSafely(deps.decider, {
    request,
    images,
    signal,
    ...(gatherer === undefined ? {} : { evidenceRevision: gatherer.revision }),
    ...(read === undefined ? {} : { namespaceLabels: read }),
  });
  return { verdict, images };
}

/**
 * The images with their facts. Rejects with IMAGEGATE_DEADLINE_EXCEEDED when the deadline passes
 * first, and when the gatherer breaks its contract (one ImageFacts per image).
 */
async function gatherFacts(opts: {
  readonly gatherer: FactGatherer;
  readonly images: readonly ImageUnderReview[];
  readonly signal: AbortSignal;
  readonly context: PinContext | undefined;
}): Promise<readonly ImageUnderReview[]> {
  const { images, signal } = opts;
  const refs = images.map((i) => i.ref);
  const context = opts.context === undefined ? {} : { context: opts.context };
  const facts = await withDeadline(
    opts.gatherer.gather({ images: refs, signal, ...context }),
    signal,
    'fact gathering',
  );
  return images.map((image, i) => {
    const f = facts[i];
    if (f === undefined) throw new Error(`the fact gatherer answered for ${facts.length} of ${refs.length} images`);
    return { ...image, facts: f };
  });
}

/** An ImagegateError keeps its code; anything else thrown is `code`, with its message after `what`. */
function asImagegateError(err: unknown, code: ErrorCode, what: string): ImagegateError {
  if (isImagegateError(err)) return err;
  return new ImagegateError(code, `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** A decider that throws is undecided, never an allow. */
async function decideSafely(decider: Decider, args: Parameters<Decider['decide']>[0]): Promise<Verdict> {
  try {
    return await withDeadline(decider.decide(args), args.signal, 'policy decision');
  } catch (err) {
    return {
      kind: 'undecided',
      error: asImagegateError(err, 'IMAGEGATE_POLICY_EVALUATION_FAILED', 'policy evaluation failed'),
    };
  }
}

/**
 * The outcome from the policy's verdict and the TS-side violations (unparsable images), after
 * modes, exemptions and dry-run: only enforced violations deny; warned ones become warnings.
 * An undecided review is denied (failurePolicy Fail, or an enforced TS-side violation) or
 * admitted with a warning (Ignore).
 */
function conclude(opts: {
  readonly verdict: Verdict;
  readonly violations: readonly Violation[];
  readonly request: AdmissionRequest;
  readonly sites: readonly ImageSite[];
  /** The parsed images, with facts when they were gathered. */
  readonly images: readonly ImageUnderReview[];
  readonly view: NamespaceView;
  readonly enforcement: EnforcementConfig;
  readonly failurePolicy: FailurePolicy;
}): AdmissionOutcome {
  const { verdict, request } = opts;
  const images = opts.sites.map((s) => s.image);
  const violations = verdict.kind === 'deny' ? [...opts.violations, ...verdict.violations] : opts.violations;
  const placed = placeViolations({ violations, sites: opts.sites, reviewed: opts.images });
  const split = splitViolations({ violations: placed, view: opts.view, config: opts.enforcement });
  const record = recordOf(split);
  const enforcement = placed.length === 0 ? {} : { enforcement: record };
  const object = { kind: request.kind.kind, namespace: request.namespace, name: request.name };
  switch (verdict.kind) {
    case 'allow':
    case 'deny': {
      const warnings = [...split.warned.map(violationWarning), ...verdict.warnings];
      if (split.denied.length === 0) return { kind: 'allowed', warnings, images, ...enforcement };
      const message = denialMessage({ object, violations: split.denied });
      return deny({ code: 403, reason: 'Forbidden', message, images, warnings, ...enforcement });
    }
    case 'undecided': {
      const { error } = verdict;
      if (split.denied.length === 0 && opts.failurePolicy === 'Ignore') {
        const why = `imagegate admitted without a decision (failurePolicy Ignore, ${error.code}): ${error.message}`;
        const warnings = [why, ...split.warned.map(violationWarning)];
        return { kind: 'undecided-admitted', warnings, images, ...enforcement };
      }
      const message = undecidedMessage({ object, error, violations: split.denied });
      const warnings = split.warned.map(violationWarning);
      return deny({ code: 500, reason: 'InternalError', message, images, warnings, ...enforcement });
    }
    default:
      return verdict satisfies never;
  }
}

function recordOf(split: EnforcementSplit): EnforcementRecord {
  return {
    denied: split.denied.map((p) => logged(p)),
    warned: split.warned.map((p) => logged(p)),
    audited: split.audited.map((p) => logged(p)),
    wouldDeny: split.wouldDeny.map((p) => logged(p)),
    exempted: split.exempted.map((x) => logged(x.placed, x.reason)),
  };
}

function logged(p: PlacedViolation, reason?: string): LoggedViolation {
  const v = p.violation;
  return {
    rule: v.rule,
    path: p.path ?? '(object)',
    container: p.site?.container ?? v.container,
    image: p.site?.image ?? v.image,
    message: v.message,
    ...(reason === undefined ? {} : { reason }),
  };
}

function deny(opts: {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
  readonly images: readonly string[];
  readonly warnings?: readonly string[];
  readonly enforcement?: EnforcementRecord;
}): AdmissionOutcome {
  return {
    kind: opts.code === 500 ? 'undecided-denied' : 'denied',
    status: { code: opts.code, reason: opts.reason, message: opts.message },
    warnings: opts.warnings ?? [],
    images: opts.images,
    ...(opts.enforcement === undefined ? {} : { enforcement: opts.enforcement }),
  };
}
