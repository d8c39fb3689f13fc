import { ImagegateError, isImagegateError, type ErrorCode } from '../errors/index.js';
import { tryParseImageReference } from '../images/index.js';
import type { FailurePolicy } from '../config/index.js';
import type { ReviewSummary } from './summary.js';
import type {
  Decider,
  FactGatherer,
  ImageUnderReview,
  NamespaceLabelsReader,
  PinContext,
  Verdict,
  Violation,
} from './ports.js';
import type { AdmissionOutcome } from './outcome.js';
import { denialMessage } from './messages.js';
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
}

/**
 * The validating webhook: every new or changed image is parsed, its digest and facts gathered
 * (when a gatherer is configured), then decided by policy.
 */
export async function validateRequest(opts: {
  readonly summary: ReviewSummary;
  readonly deps: ValidateDeps;
  readonly signal: AbortSignal;
}): Promise<AdmissionOutcome> {
  const { deps } = opts;
  const { request, selection: selected } = opts.summary;
  switch (selected.kind) {
    case 'skip':
      return { kind: 'skipped', warnings: [], images: [] };
    case 'reject':
      return deny({ code: 400, reason: 'BadRequest', violations: [], message: selected.error.message, images: [] });
    case 'review':
      break;
    default:
      return selected satisfies never;
  }
  const images = selected.sites.map((s) => s.image);
  const parsed: ImageUnderReview[] = [];
  const violations: Violation[] = [];
  for (const site of selected.sites) {
    const r = tryParseImageReference(site.image);
    if (r.ok) parsed.push({ site, ref: r.ref });
    else
      violations.push({
        container: site.container,
        image: site.image,
        rule: 'image-reference',
        message: r.error.message,
        fix: 'write a valid image reference such as registry.example.com/team/app:1.2.3',
      });
  }
  const verdict =
    parsed.length === 0
      ? allowAll
      : await judge({ deps, request, images: parsed, signal: opts.signal, context: pinContext(opts.summary) });
  return combine({ verdict, violations, images, failurePolicy: deps.failurePolicy });
}

const allowAll: Verdict = { kind: 'allow', warnings: [] };

/**
 * Gathers each image's digest and facts (and, at the same time, the namespace's labels when they
 * are configured to be read), then decides on them; a gatherer that fails undecides.
 */
async function judge(opts: {
  readonly deps: ValidateDeps;
  readonly request: AdmissionRequest;
  readonly images: readonly ImageUnderReview[];
  readonly signal: AbortSignal;
  readonly context: PinContext | undefined;
}): Promise<Verdict> {
  const { deps, request, signal } = opts;
  // Never rejects: a failed read reaches the policy as namespaceLabelsError.
  const labels = readNamespaceLabels({ reader: deps.namespaceLabels, namespace: request.namespace, signal });
  const { gatherer } = deps;
  let images = opts.images;
  if (gatherer !== undefined) {
    try {
      images = await gatherFacts({ gatherer, images: opts.images, signal, context: opts.context });
    } catch (err) {
      return { kind: 'undecided', error: asImagegateError(err, 'IMAGEGATE_INTERNAL', 'fact gathering failed') };
    }
  }
  const read = await labels;
  return decideSafely(deps.decider, {
    request,
    images,
    signal,
    ...(gatherer === undefined ? {} : { evidenceRevision: gatherer.revision }),
    ...(read === undefined ? {} : { namespaceLabels: read }),
  });
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

function combine(opts: {
  readonly verdict: Verdict;
  readonly violations: readonly Violation[];
  readonly images: readonly string[];
  readonly failurePolicy: FailurePolicy;
}): AdmissionOutcome {
  const { verdict, images } = opts;
  switch (verdict.kind) {
    case 'allow':
      if (opts.violations.length === 0) return { kind: 'allowed', warnings: verdict.warnings, images };
      return deny({ code: 403, reason: 'Forbidden', violations: opts.violations, images, warnings: verdict.warnings });
    case 'deny':
      return deny({
        code: 403,
        reason: 'Forbidden',
        violations: [...opts.violations, ...verdict.violations],
        images,
        warnings: verdict.warnings,
      });
    case 'undecided': {
      const why = `imagegate could not decide (${verdict.error.code}): ${verdict.error.message}`;
      if (opts.violations.length === 0 && opts.failurePolicy === 'Ignore') {
        return {
          kind: 'undecided-admitted',
          warnings: [`admitted without a decision (failurePolicy Ignore): ${why}`],
          images,
        };
      }
      return deny({ code: 500, reason: 'InternalError', violations: opts.violations, images, message: why });
    }
    default:
      return verdict satisfies never;
  }
}

function deny(opts: {
  readonly code: number;
  readonly reason: string;
  readonly violations: readonly Violation[];
  readonly images: readonly string[];
  readonly message?: string;
  readonly warnings?: readonly string[];
}): AdmissionOutcome {
  const parts = [opts.message, opts.violations.length > 0 ? denialMessage(opts.violations) : undefined].filter(
    (p) => p !== undefined,
  );
  return {
    kind: opts.code === 500 ? 'undecided-denied' : 'denied',
    status: { code: opts.code, reason: opts.reason, message: parts.join('; ') },
    warnings: opts.warnings ?? [],
    images: opts.images,
  };
}
