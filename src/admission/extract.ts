import { ImagegateError } from '../errors/index.js';
import type { GroupVersionKind } from './review.js';
import { isRecord } from '../guards/index.js';

export type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers';

/** One image field of an object: where it is, and what it says. */
export interface ImageSite {
  /** The container's name ("" when the object gives none). */
  readonly container: string;
  readonly field: ContainerField;
  /** RFC 6901 pointer to the `image` field, e.g. /spec/template/spec/containers/0/image. */
  readonly pointer: string;
  /** The image string exactly as the object has it (may be invalid; parsing comes later). */
  readonly image: string;
}

/** Where each supported kind keeps its pod spec, as object keys from the root. */
const POD_SPEC_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  ['/Pod', ['spec']],
  ['/PodTemplate', ['template', 'spec']],
  ['/ReplicationController', ['spec', 'template', 'spec']],
  ['apps/Deployment', ['spec', 'template', 'spec']],
  ['apps/ReplicaSet', ['spec', 'template', 'spec']],
  ['apps/StatefulSet', ['spec', 'template', 'spec']],
  ['apps/DaemonSet', ['spec', 'template', 'spec']],
  ['batch/Job', ['spec', 'template', 'spec']],
  ['batch/CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
]);

const FIELDS: readonly ContainerField[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** The kinds imagegate can read images from, as "group/Kind" ("" group for core). */
export const supportedKinds: readonly string[] = [...POD_SPEC_PATHS.keys()];

export function isSupportedKind(gvk: GroupVersionKind): boolean {
  return POD_SPEC_PATHS.has(`${gvk.group}/${gvk.kind}`);
}

function invalid(message: string): ImagegateError {
  return new ImagegateError('IMAGEGATE_ADMISSION_OBJECT_INVALID', message);
}

/**
 * Lists every container image of an object of a supported kind, in document order
 * (initContainers, containers, ephemeralContainers). Throws IMAGEGATE_ADMISSION_OBJECT_INVALID
 * when the object does not have the shape its kind requires, so that a malformed object is
 * never mistaken for one without images.
 */
export function extractImages(opts: { readonly kind: GroupVersionKind; readonly object: unknown }): ImageSite[] {
  const { spec, pointer } = locatePodSpec(opts);
  return FIELDS.flatMap((field) => containerImages(spec[field], field, `${pointer}/${field}`));
}

/** The pod spec of an object of a supported kind, and its JSON pointer. Throws like extractImages. */
export function podSpecOf(opts: {
  readonly kind: GroupVersionKind;
  readonly object: unknown;
}): Readonly<Record<string, unknown>> {
  return locatePodSpec(opts).spec;
}

function locatePodSpec(opts: { readonly kind: GroupVersionKind; readonly object: unknown }): {
  spec: Readonly<Record<string, unknown>>;
  pointer: string;
} {
  const path = POD_SPEC_PATHS.get(`${opts.kind.group}/${opts.kind.kind}`);
  if (path === undefined) {
    throw new ImagegateError(
      'IMAGEGATE_ADMISSION_KIND_UNSUPPORTED',
      `kind ${describeKind(opts.kind)} is not one imagegate reads images from (supported: ${supportedKinds.join(', ')}); remove it from the webhook configuration's rules`,
    );
  }
  let node: unknown = opts.object;
  const pointer: string[] = [];
  for (const key of path) {
    if (!isRecord(node))
      throw invalid(`${describeKind(opts.kind)}: expected an object at /${pointer.join('/')}, found ${typeName(node)}`);
    node = node[key];
    pointer.push(key);
  }
  if (!isRecord(node))
    throw invalid(
      `${describeKind(opts.kind)}: expected a pod spec object at /${pointer.join('/')}, found ${typeName(node)}`,
    );
  return { spec: node, pointer: `/${pointer.join('/')}` };
}

function containerImages(list: unknown, field: ContainerField, base: string): ImageSite[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalid(`expected an array at ${base}, found ${typeName(list)}`);
  return list.map((c: unknown, i): ImageSite => {
    if (!isRecord(c)) throw invalid(`expected a container object at ${base}/${i}, found ${typeName(c)}`);
    const name = c.name ?? '';
    const image = c.image ?? '';
    if (typeof name !== 'string') throw invalid(`${base}/${i}/name must be a string, found ${typeName(name)}`);
    if (typeof image !== 'string') throw invalid(`${base}/${i}/image must be a string, found ${typeName(image)}`);
    return { container: name, field, pointer: `${base}/${i}/image`, image };
  });
}

function describeKind(gvk: GroupVersionKind): string {
  return gvk.group === '' ? gvk.kind : `${gvk.kind}.${gvk.group}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'undefined') return 'nothing';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * For UPDATE: the sites whose image string was not already present in the old object. An image
 * that was admitted before is not evaluated again, so an unrelated edit (labels, replicas) is not
 * blocked by a policy change; every new or changed image is.
 */
export function changedImages(opts: {
  readonly sites: readonly ImageSite[];
  readonly oldSites: readonly ImageSite[];
}): ImageSite[] {
  const before = new Set(opts.oldSites.map((s) => s.image));
  return opts.sites.filter((s) => !before.has(s.image));
}
