import { ImagegateError, isImagegateError } from '../errors/index.js';
import type { AdmissionRequest } from './review.js';
import { changedImages, extractImages, type ImageSite } from './extract.js';

export type SiteSelection =
  | { readonly kind: 'skip' }
  | { readonly kind: 'reject'; readonly error: ImagegateError }
  | { readonly kind: 'review'; readonly sites: readonly ImageSite[] };

/**
 * Which image sites of a request need a decision. DELETE and CONNECT carry nothing to run and
 * are skipped (a patch on DELETE would be an error at the API server). UPDATE reviews only images
 * that are new or changed. An object that cannot be read is rejected, never treated as imageless.
 */
export function sitesToReview(opts: { readonly request: AdmissionRequest; readonly maxImages: number }): SiteSelection {
  const { request } = opts;
  switch (request.operation) {
    case 'DELETE':
    case 'CONNECT':
      return { kind: 'skip' };
    case 'CREATE':
    case 'UPDATE':
      break;
    default:
      return request.operation satisfies never;
  }
  let sites: ImageSite[];
  try {
    sites = extractImages({ kind: request.kind, object: request.object });
  } catch (err) {
    if (isImagegateError(err)) return { kind: 'reject', error: err };
    throw err;
  }
  if (request.operation === 'UPDATE') sites = changedImages({ sites, oldSites: oldSites(request) });
  if (sites.length > opts.maxImages) {
    return {
      kind: 'reject',
      error: new ImagegateError(
        'IMAGEGATE_ADMISSION_TOO_MANY_IMAGES',
        `the object has ${sites.length} new or changed images; at most ${opts.maxImages} are evaluated (admission.maxImages)`,
      ),
    };
  }
  return sites.length === 0 ? { kind: 'skip' } : { kind: 'review', sites };
}

/** The old object's images; an unreadable old object counts as having none (all are reviewed). */
function oldSites(request: AdmissionRequest): ImageSite[] {
  try {
    return extractImages({ kind: request.kind, object: request.oldObject });
  } catch {
    return [];
  }
}
