import type { ImageSite } from './extract.js';
import type { ImageUnderReview, Violation } from './ports.js';

/** The digest a violation's image was judged by, as the denial message writes it. */
export type Judged =
  | { readonly kind: 'digest'; readonly repository: string; readonly digest: string }
  /** The facts stage ran for the image and found no digest. */
  | { readonly kind: 'unresolved' }
  /** No facts stage ran (no gatherer) and the image carries no digest, or the image did not parse. */
  | { readonly kind: 'none' };

/** A violation at its place in the object: everything messages, modes and exemptions need. */
export interface PlacedViolation {
  readonly violation: Violation;
  /** The image site it is about; absent for a violation about the object (no site matched). */
  readonly site?: ImageSite;
  /** The container's path in the object, dotted (`spec.containers[1]`); absent with `site`. */
  readonly path?: string;
  /** The image's repository as the policy saw it (`docker.io/library/nginx`); absent if it did not parse. */
  readonly repository?: string;
  readonly judged: Judged;
}

/**
 * Places each violation at the image site it is about: by `pointer` when the policy gave one,
 * else the first site with the same container name and image; none matched, it is about the
 * object. Sorted by site in document order (the order of `sites`), unplaced last, then by rule,
 * message, fix: the same violations give the same order whatever order the policy returned.
 */
export function placeViolations(opts: {
  readonly violations: readonly Violation[];
  /** Every reviewed site, in document order (initContainers, containers, ephemeralContainers). */
  readonly sites: readonly ImageSite[];
  /** The sites' images that parsed, with their facts when a facts stage ran. */
  readonly reviewed: readonly ImageUnderReview[];
}): PlacedViolation[] {
  const { sites } = opts;
  const byPointer = new Map(opts.reviewed.map((r) => [r.site.pointer, r]));
  const placed = opts.violations.map((violation) => {
    const index = siteIndex(violation, sites);
    const site = index === -1 ? undefined : sites[index];
    return { order: index === -1 ? sites.length : index, placed: place(violation, site, byPointer) };
  });
  placed.sort((a, b) => a.order - b.order || compareViolations(a.placed.violation, b.placed.violation));
  return placed.map((p) => p.placed);
}

function siteIndex(v: Violation, sites: readonly ImageSite[]): number {
  const { pointer } = v;
  if (pointer !== undefined) {
    const at = sites.findIndex((s) => s.pointer === pointer || s.pointer === `${pointer}/image`);
    if (at !== -1) return at;
  }
  return sites.findIndex((s) => s.container === v.container && s.image === v.image);
}

function place(
  violation: Violation,
  site: ImageSite | undefined,
  byPointer: ReadonlyMap<string, ImageUnderReview>,
): PlacedViolation {
  if (site === undefined) return { violation, judged: { kind: 'none' } };
  const reviewed = byPointer.get(site.pointer);
  const path = dottedPath(site.pointer);
  if (reviewed === undefined) return { violation, site, path, judged: { kind: 'none' } };
  const repository = `${reviewed.ref.domain.toLowerCase()}/${reviewed.ref.path}`;
  const digest = reviewed.facts?.digest ?? reviewed.ref.digest;
  const judged: Judged =
    digest !== undefined
      ? { kind: 'digest', repository, digest }
      : reviewed.facts === undefined
        ? { kind: 'none' }
        : { kind: 'unresolved' };
  return { violation, site, path, repository, judged };
}

/** Plain code-unit order, not locale order: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareViolations(a: Violation, b: Violation): number {
  return (
    compareText(a.rule, b.rule) ||
    compareText(a.message, b.message) ||
    compareText(a.fix, b.fix) ||
    compareText(a.container, b.container) ||
    compareText(a.image, b.image)
  );
}

/**
 * The container's place in the object from its image's RFC 6901 pointer, dotted with `[i]` for
 * array indexes: `/spec/template/spec/initContainers/0/image` -> `spec.template.spec.initContainers[0]`.
 */
export function dottedPath(pointer: string): string {
  const segments = pointer
    .replace(/\/image$/, '')
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  let out = '';
  for (const s of segments) out += /^(0|[1-9][0-9]*)$/.test(s) ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}
