import { tryParseImageReference, type ImageRef } from '../images/index.js';
import type { PinContext, Pinner, PinOutcome } from './ports.js';
import type { AdmissionOutcome, ReplaceOp, UnpinnedImage } from './outcome.js';
import { isImagegateError, type ErrorCode } from '../errors/index.js';
import type { ImageSite } from './extract.js';
import type { ReviewSummary } from './summary.js';
import { withDeadline } from './deadline.js';
import { pinContext } from './context.js';
import { unpinnedWarning } from './messages.js';
import { mirrorRewrite } from './mirrors.js';
import type { RegistryMirrorConfig } from '../config/index.js';

export interface MutateDeps {
  /** Absent when no registry is configured: tags are then left as they are, with a warning. */
  readonly pinner?: Pinner;
  /** registries.mirrors: images under an entry with `rewrite: true` are moved to the mirror, pinned there. */
  readonly mirrors?: readonly RegistryMirrorConfig[];
}

/**
 * The mutating webhook: pins every tagged image to the digest its tag points to now. It always
 * allows; what it cannot resolve it leaves alone and names in a warning. Images that already
 * carry a digest are never resolved (the digest wins), so a second pass yields no patch.
 */
export async function mutateRequest(opts: {
  readonly summary: ReviewSummary;
  readonly deps: MutateDeps;
  readonly signal: AbortSignal;
}): Promise<AdmissionOutcome> {
  const selected = opts.summary.selection;
  switch (selected.kind) {
    case 'skip':
      return { kind: 'skipped', warnings: [], images: [] };
    case 'reject':
      return { kind: 'undecided-admitted', warnings: [`images left unpinned: ${selected.error.message}`], images: [] };
    case 'review':
      break;
    default:
      return selected satisfies never;
  }
  const warnings: string[] = [];
  const patch: ReplaceOp[] = [];
  const toPin: { site: ImageSite; ref: ImageRef; rewritten: boolean }[] = [];
  for (const site of selected.sites) {
    const r = tryParseImageReference(site.image);
    if (!r.ok) {
      warnings.push(unpinnedWarning({ site, reason: r.error.message }));
      continue;
    }
    const mirrored = mirrorRewrite({ ref: r.ref, mirrors: opts.deps.mirrors ?? [] });
    const ref = mirrored ?? r.ref;
    if (ref.digest === undefined) toPin.push({ site, ref, rewritten: mirrored !== undefined });
    // A written digest is kept as it is: moved to the mirror without asking any registry.
    else if (mirrored !== undefined) patch.push({ op: 'replace', path: site.pointer, value: mirrored.canonical });
  }
  const outcomes = await pinAll({
    pinner: opts.deps.pinner,
    refs: toPin.map((p) => p.ref),
    signal: opts.signal,
    context: pinContext(opts.summary),
  });
  const unpinned: UnpinnedImage[] = [];
  toPin.forEach(({ site, ref, rewritten }, i) => {
    const outcome = outcomes[i] ?? unresolved('IMAGEGATE_INTERNAL', 'no answer from the resolver');
    switch (outcome.kind) {
      case 'pinned':
        if (outcome.image !== site.image) patch.push({ op: 'replace', path: site.pointer, value: outcome.image });
        break;
      case 'unresolved':
        // Unpinned at the mirror, the image stays as written (the mirrors rule then names the mirror).
        warnings.push(
          unpinnedWarning({
            site,
            reason: `${rewritten ? `not moved to its mirror ${ref.original}: ` : ''}${outcome.reason}`,
          }),
        );
        unpinned.push({ image: site.image, code: outcome.code });
        break;
      default:
        outcome satisfies never;
    }
  });
  const images = selected.sites.map((s) => s.image);
  const extra = unpinned.length > 0 ? { unpinned } : {};
  return patch.length > 0
    ? { kind: 'allowed', warnings, images, patch, ...extra }
    : { kind: 'allowed', warnings, images, ...extra };
}

function unresolved(code: ErrorCode, reason: string): PinOutcome {
  return { kind: 'unresolved', code, reason };
}

async function pinAll(opts: {
  pinner: Pinner | undefined;
  refs: readonly ImageRef[];
  signal: AbortSignal;
  context: PinContext | undefined;
}): Promise<readonly PinOutcome[]> {
  const { pinner, refs, signal, context } = opts;
  if (refs.length === 0) return [];
  if (pinner === undefined) {
    return refs.map(() =>
      unresolved('IMAGEGATE_REGISTRY_NOT_CONFIGURED', 'no registry is configured for tag resolution'),
    );
  }
  try {
    return await withDeadline(
      pinner.pin({ images: refs, signal, ...(context === undefined ? {} : { context }) }),
      signal,
      'tag resolution',
    );
  } catch (err) {
    // The deadline's own error keeps its code; anything else thrown by a Pinner is a bug in it.
    const code = isImagegateError(err) ? err.code : 'IMAGEGATE_INTERNAL';
    const failed = unresolved(code, `resolution failed: ${err instanceof Error ? err.message : String(err)}`);
    return refs.map(() => failed);
  }
}
