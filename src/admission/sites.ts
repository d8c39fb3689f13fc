import { isImagegateError, type ErrorCode } from '../errors/index.js';
import type { ParsedReview } from './review.js';
import { changedImages, extractImages, type ImageSite } from './extract.js';

/** An error as plain data ({code, message}), so that it survives the trip from the parser thread. */
export interface Problem {
  readonly code: ErrorCode;
  readonly message: string;
}

export type SiteSelection =
  | { readonly kind: 'skip' }
  | { readonly kind: 'reject'; readonly error: Problem }
  | { readonly kind: 'review'; readonly sites: readonly ImageSite[] };

/**
 * Which image sites of a request need a decision. DELETE and CONNECT carry nothing to run and
 * are skipped (a patch on DELETE would be an error at the API server). UPDATE reviews only images
 * that are new or changed. An object that cannot be read is rejected, never treated as imageless.
 */
export function sitesToReview(opts: { readonly review: ParsedReview; readonly maxImages: number }): SiteSelection {
  const { review } = opts;
  switch (review.operation) {
    case 'DELETE':
    case 'CONNECT':
      return { kind: 'skip' };
    case 'CREATE':
    case 'UPDATE':
      break;
    default:
      return review.operation satisfies never;
  }
  let sites: ImageSite[];
  try {
    sites = extractImages({ kind: review.kind, object: review.object });
  } catch (err) {
    if (isImagegateError(err)) return { kind: 'reject', error: { code: err.code, message: err.message } };
    throw err;
  }
  if (review.operation === 'UPDATE') sites = changedImages({ sites, oldSites: oldSites(review) });
  if (sites.length > opts.maxImages) {
    return {
      kind: 'reject',
      error: {
        code: 'IMAGEGATE_ADMISSION_TOO_MANY_IMAGES',
        message: `the object has ${sites.length} new or changed images; at most ${opts.maxImages} are evaluated (admission.maxImages)`,
      },
    };
  }
  return sites.length === 0 ? { kind: 'skip' } : { kind: 'review', sites };
}

/** The old object's images; an unreadable old object counts as having none (all are reviewed). */
function oldSites(review: ParsedReview): ImageSite[] {
  try {
    return extractImages({ kind: review.kind, object: review.oldObject });
  } catch {
    return [];
  }
}
