import { KubeError } from './errors.js';

/** The parts of a v1 Secret the pull-secret lookup uses; `data` values are still base64. */
export interface KubeSecret {
  readonly type: string;
  readonly data: ReadonlyMap<string, string>;
}

/** The parts of a v1 ServiceAccount the pull-secret lookup uses. */
export interface KubeServiceAccount {
  readonly imagePullSecrets: readonly string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function expectKind(doc: unknown, kind: string, what: string): Record<string, unknown> {
  if (!isRecord(doc) || doc.kind !== kind || doc.apiVersion !== 'v1') {
    throw new KubeError('protocol', `reading ${what}: the answer is not a v1 ${kind}`);
  }
  return doc;
}

/** @throws KubeError protocol; never quotes data values. */
export function parseSecret(doc: unknown, what: string): KubeSecret {
  const obj = expectKind(doc, 'Secret', what);
  const type = typeof obj.type === 'string' ? obj.type : 'Opaque';
  const raw = obj.data ?? {};
  if (!isRecord(raw)) throw new KubeError('protocol', `reading ${what}: "data" is not an object`);
  const data = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string')
      throw new KubeError(
        'protocol',
        `reading ${what}: data[${JSON.stringify(key.slice(0, 60))}] is not a base64 string`,
      );
    data.set(key, value);
  }
  return { type, data };
}

/** @throws KubeError protocol */
export function parseServiceAccount(doc: unknown, what: string): KubeServiceAccount {
  const obj = expectKind(doc, 'ServiceAccount', what);
  const refs = obj.imagePullSecrets ?? [];
  if (!Array.isArray(refs)) throw new KubeError('protocol', `reading ${what}: "imagePullSecrets" is not a list`);
  const names = refs.flatMap((r: unknown) =>
    isRecord(r) && typeof r.name === 'string' && r.name !== '' ? [r.name] : [],
  );
  return { imagePullSecrets: names };
}

/** The parts of a v1 Namespace a policy sees: its labels. */
export interface KubeNamespace {
  readonly labels: Readonly<Record<string, string>>;
}

/** @throws KubeError protocol */
export function parseNamespace(doc: unknown, what: string): KubeNamespace {
  const obj = expectKind(doc, 'Namespace', what);
  const metadata = obj.metadata ?? {};
  if (!isRecord(metadata)) throw new KubeError('protocol', `reading ${what}: "metadata" is not an object`);
  const raw = metadata.labels ?? {};
  if (!isRecord(raw)) throw new KubeError('protocol', `reading ${what}: "metadata.labels" is not an object`);
  const labels: [string, string][] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string')
      throw new KubeError('protocol', `reading ${what}: label ${JSON.stringify(key.slice(0, 60))} is not a string`);
    labels.push([key, value]);
  }
  // fromEntries defines own properties: a label named __proto__ stays a label, never a prototype.
  return { labels: Object.fromEntries(labels) };
}
