import { supportedKinds } from '../admission/index.js';
import { isRecord } from '../guards/index.js';

/** The user every review `imagegate check` builds names: policies that read userInfo see this. */
export const CHECK_USER = 'imagegate-check';
/** The namespace of an object that names none, when --namespace does not either (kubectl's). */
export const DEFAULT_NAMESPACE = 'default';

/** What a manifest object is, as the API server would name it in its review. */
export interface ObjectIdentity {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace: string;
  /** "" for an object named by generateName only. */
  readonly name: string;
}

/** `apps/v1` → group apps, version v1; `v1` → the core group "". */
export function identityOf(opts: {
  readonly object: Readonly<Record<string, unknown>>;
  readonly namespace: string | undefined;
}): ObjectIdentity {
  const { object } = opts;
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const ns = metadata.namespace;
  const name = metadata.name;
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: typeof object.kind === 'string' ? object.kind : '',
    namespace: typeof ns === 'string' && ns !== '' ? ns : (opts.namespace ?? DEFAULT_NAMESPACE),
    name: typeof name === 'string' ? name : '',
  };
}

/** True for the kinds the webhook is registered for and reads images from (admission's supportedKinds). */
export function isReviewedKind(id: ObjectIdentity): boolean {
  return supportedKinds.includes(`${id.group}/${id.kind}`);
}

/**
 * The AdmissionReview (admission.k8s.io/v1) the API server sends the webhook for a CREATE of
 * `object` in `id.namespace`, as JSON bytes: the object with its namespace set (as the API
 * server sets it), the resource's plural name, userInfo CHECK_USER, not a dry run.
 */
export function createReviewBytes(opts: {
  readonly object: Readonly<Record<string, unknown>>;
  readonly id: ObjectIdentity;
  readonly uid: string;
}): Uint8Array {
  const { id } = opts;
  const metadata = isRecord(opts.object.metadata) ? opts.object.metadata : {};
  const object = { ...opts.object, metadata: { ...metadata, namespace: id.namespace } };
  const kind = { group: id.group, version: id.version, kind: id.kind };
  const resource = { group: id.group, version: id.version, resource: `${id.kind.toLowerCase()}s` };
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: opts.uid,
      kind,
      resource,
      requestKind: kind,
      requestResource: resource,
      name: id.name,
      namespace: id.namespace,
      operation: 'CREATE',
      userInfo: { username: CHECK_USER },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
  return new TextEncoder().encode(JSON.stringify(review));
}
