import { tryParseImageReference, type ImageRef } from '../images/index.js';
import type { AdmissionRequest } from './review.js';
import type { PinContext, Pinner, PinOutcome } from './ports.js';
import type { AdmissionOutcome, ReplaceOp } from './outcome.js';
import { podSpecOf, type ImageSite } from './extract.js';
import { sitesToReview } from './sites.js';
import { withDeadline } from './deadline.js';

export interface MutateDeps {
  /** Absent when no registry is configured: tags are then left as they are, with a warning. */
  readonly pinner?: Pinner;
  readonly maxImages: number;
}

/**
 * The mutating webhook: pins every tagged image to the digest its tag points to now. It always
 * allows; what it cannot resolve it leaves alone and names in a warning. Images that already
 * carry a digest are never resolved (the digest wins), so a second pass yields no patch.
 */
export async function mutateRequest(opts: {
  readonly request: AdmissionRequest;
  readonly deps: MutateDeps;
  readonly signal: AbortSignal;
}): Promise<AdmissionOutcome> {
  const selected = sitesToReview({ request: opts.request, maxImages: opts.deps.maxImages });
  switch (selected.kind) {
    case 'skip':
      return { allowed: true, verdict: 'skip', warnings: [], images: [] };
    case 'reject':
      return { allowed: true, verdict: 'error', warnings: [`images left unpinned: ${selected.error.message}`], images: [] };
    case 'review':
      break;
    default:
      return selected satisfies never;
  }
  const warnings: string[] = [];
  const toPin: { site: ImageSite; ref: ImageRef }[] = [];
  for (const site of selected.sites) {
    const r = tryParseImageReference(site.image);
    if (!r.ok) warnings.push(`container ${site.container}: not pinned: ${r.error.message}`);
    else if (r.ref.digest === undefined) toPin.push({ site, ref: r.ref });
  }
  const outcomes = await pinAll({ pinner: opts.deps.pinner, refs: toPin.map((p) => p.ref), signal: opts.signal, context: pinContext(opts.request) });
  const patch: ReplaceOp[] = [];
  toPin.forEach(({ site }, i) => {
    const outcome = outcomes[i] ?? { kind: 'unresolved', reason: 'no answer from the resolver' };
    switch (outcome.kind) {
      case 'pinned':
        if (outcome.image !== site.image) patch.push({ op: 'replace', path: site.pointer, value: outcome.image });
        break;
      case 'unresolved':
        warnings.push(`container ${site.container}: ${site.image} not pinned: ${outcome.reason}`);
        break;
      default:
        outcome satisfies never;
    }
  });
  const images = selected.sites.map((s) => s.image);
  return patch.length > 0 ? { allowed: true, verdict: 'allow', warnings, images, patch } : { allowed: true, verdict: 'allow', warnings, images };
}

/** The pod's namespace, pull secrets and service account, for registries that need credentials. */
function pinContext(request: AdmissionRequest): PinContext | undefined {
  if (request.namespace === '') return undefined;
  const spec = podSpecOf({ kind: request.kind, object: request.object });
  const secrets = Array.isArray(spec['imagePullSecrets']) ? spec['imagePullSecrets'] : [];
  const imagePullSecrets = secrets.flatMap((s: unknown) => (typeof s === 'object' && s !== null && 'name' in s && typeof s.name === 'string' ? [s.name] : []));
  const account = spec['serviceAccountName'];
  return { namespace: request.namespace, imagePullSecrets, ...(typeof account === 'string' && account !== '' ? { serviceAccountName: account } : {}) };
}

async function pinAll(opts: { pinner: Pinner | undefined; refs: readonly ImageRef[]; signal: AbortSignal; context: PinContext | undefined }): Promise<readonly PinOutcome[]> {
  const { pinner, refs, signal, context } = opts;
  if (refs.length === 0) return [];
  if (pinner === undefined) {
    return refs.map(() => ({ kind: 'unresolved', reason: 'no registry is configured for tag resolution' }));
  }
  try {
    return await withDeadline(pinner.pin({ images: refs, signal, ...(context === undefined ? {} : { context }) }), signal, 'tag resolution');
  } catch (err) {
    const reason = `resolution failed: ${err instanceof Error ? err.message : String(err)}`;
    return refs.map(() => ({ kind: 'unresolved', reason }));
  }
}
