/** Typed reads of rendered Kubernetes objects for the manifest tests: a wrong shape throws, naming the path. */
import { isObject, type K8sObject } from '../fixtures/kustomize.js';

export type { K8sObject };
export { isObject };

type Key = string | number;

export function at(value: unknown, ...path: readonly Key[]): unknown {
  let cur = value;
  for (const key of path) {
    if (typeof key === 'number') cur = Array.isArray(cur) ? cur[key] : undefined;
    else cur = isObject(cur) ? cur[key] : undefined;
  }
  return cur;
}

function where(path: readonly Key[]): string {
  return path.map(String).join('.');
}

export function objAt(value: unknown, ...path: readonly Key[]): K8sObject {
  const v = at(value, ...path);
  if (!isObject(v)) throw new Error(`${where(path)} is not an object: ${JSON.stringify(v)}`);
  return v;
}

/** The list at `path`; an absent field is an empty list. */
export function listAt(value: unknown, ...path: readonly Key[]): readonly unknown[] {
  const v = at(value, ...path);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`${where(path)} is not a list: ${JSON.stringify(v)}`);
  return v;
}

export function strAt(value: unknown, ...path: readonly Key[]): string {
  const v = at(value, ...path);
  if (typeof v !== 'string') throw new Error(`${where(path)} is not a string: ${JSON.stringify(v)}`);
  return v;
}

/** The one object of `kind` (and `name`); throws when there is none or more than one. */
export function one(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || at(o, 'metadata', 'name') === name));
  const [first] = found;
  if (found.length !== 1 || first === undefined) {
    throw new Error(`expected one ${kind}${name === undefined ? '' : `/${name}`}, found ${found.length}`);
  }
  return first;
}

/** Whether a label selector (matchLabels only: the manifests use no expressions) selects `labels`. */
export function selects(selector: unknown, labels: unknown): boolean {
  if (listAt(selector, 'matchExpressions').length > 0) throw new Error('selector uses matchExpressions');
  const wanted = Object.entries(objAt(selector, 'matchLabels'));
  return wanted.length > 0 && wanted.every(([k, v]) => at(labels, k) === v);
}
