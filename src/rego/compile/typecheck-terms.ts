/**
 * Term typing and unification for the type checker, following OPA's TypeEnv.GetByValue,
 * unify1 and unify2 (v1/ast/env.go, check.go). Deliberate deviation, so the checker never
 * rejects what OPA accepts: wherever OPA would work with an unknown (nil) type, this code
 * accepts instead of failing.
 */
import type { CTerm } from './types.js';
import {
  arrayOf,
  objectOf,
  orTypes,
  selectKey,
  setOf,
  unifies,
  valuesOf,
  T_ANY,
  T_BOOLEAN,
  T_NULL,
  T_NUMBER,
  T_STRING,
  type Maybe,
  type RType,
  type StaticKey,
  type StaticProp,
} from './typecheck-types.js';

/** Types of local vars in one body; a nested body (closure, `every`) sees its parent's vars. */
export class TypeEnv {
  private readonly vars = new Map<string, RType>();

  constructor(readonly parent: TypeEnv | null) {}

  get(name: string): Maybe {
    return this.vars.get(name) ?? this.parent?.get(name) ?? null;
  }

  set(name: string, t: RType): void {
    this.vars.set(name, t);
  }
}

/** Types of calls and closures, computed (and checked) once by the checker. */
export interface TermHooks {
  callType(t: Extract<CTerm, { type: 'call' }>, env: TypeEnv): Maybe;
  closureType(t: Extract<CTerm, { type: 'arrayCompr' | 'setCompr' | 'objectCompr' }>, env: TypeEnv): Maybe;
}

/** The constant scalar key of a term, or undefined when it is not one. */
export function staticKey(t: CTerm): StaticKey | undefined {
  switch (t.type) {
    case 'string':
      return t.value;
    case 'number':
      return { num: t.text };
    case 'boolean':
      return t.value;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

function refType(head: Maybe, path: readonly CTerm[]): Maybe {
  let cur = head;
  for (const p of path) {
    if (cur === null) return null;
    const k = staticKey(p);
    cur = k === undefined ? valuesOf(cur) : selectKey(cur, k);
  }
  return cur;
}

function objectType(env: TypeEnv, hooks: TermHooks, t: Extract<CTerm, { type: 'object' }>): Maybe {
  const props: StaticProp[] = [];
  let dynamic: { key: RType; value: RType } | null = null;
  for (const e of t.entries) {
    const v = typeOf(env, hooks, e.value);
    if (v === null) return null;
    const k = staticKey(e.key);
    if (k !== undefined) {
      props.push({ key: k, value: v });
      continue;
    }
    const kt = typeOf(env, hooks, e.key);
    if (kt === null) return null;
    dynamic = { key: kt, value: v };
  }
  if (props.length === 0 && dynamic === null) dynamic = { key: T_ANY, value: T_ANY };
  return objectOf(props, dynamic);
}

/** The type of a term (OPA's GetByValue); null when unknown, e.g. a var not bound yet. */
export function typeOf(env: TypeEnv, hooks: TermHooks, t: CTerm): Maybe {
  switch (t.type) {
    case 'null':
      return T_NULL;
    case 'boolean':
      return T_BOOLEAN;
    case 'number':
      return T_NUMBER;
    case 'string':
    case 'template':
      return T_STRING;
    case 'var':
      return env.get(t.name);
    case 'inputRef':
    case 'dataRef':
      return T_ANY;
    case 'ref':
      return refType(typeOf(env, hooks, t.head), t.path);
    case 'array': {
      const items: RType[] = [];
      for (const i of t.items) {
        const it = typeOf(env, hooks, i);
        if (it === null) return null;
        items.push(it);
      }
      return arrayOf(items, items.length === 0 ? T_ANY : null);
    }
    case 'set': {
      let of: Maybe = null;
      for (const i of t.items) {
        const it = typeOf(env, hooks, i);
        if (it === null) return null;
        of = orTypes(of, it);
      }
      return setOf(of ?? T_ANY);
    }
    case 'object':
      return objectType(env, hooks, t);
    case 'arrayCompr':
    case 'setCompr':
    case 'objectCompr':
      return hooks.closureType(t, env);
    case 'call':
      return hooks.callType(t, env);
    default:
      return assertNeverTerm(t);
  }
}

function assertNeverTerm(x: never): never {
  throw new TypeError(`unhandled term ${JSON.stringify(x)}`);
}

interface Unifier {
  readonly env: TypeEnv;
  readonly hooks: TermHooks;
}

function eachAlternative(
  u: Unifier,
  t: CTerm,
  tpe: Extract<RType, { k: 'any' }>,
  bindAll: (want: RType) => void,
): boolean {
  if (tpe.of.length === 0) {
    bindAll(T_ANY);
    return true;
  }
  let ok = false;
  for (const alt of tpe.of) ok = unify1(u, t, alt, true) || ok;
  return ok;
}

function unify1Array(
  u: Unifier,
  t: Extract<CTerm, { type: 'array' }>,
  tpe: Extract<RType, { k: 'array' }>,
  union: boolean,
): boolean {
  if (t.items.length !== tpe.static.length && tpe.dynamic === null) return false;
  return t.items.every((item, i) => unify1(u, item, tpe.static[i] ?? tpe.dynamic, union));
}

function unify1Object(
  u: Unifier,
  t: Extract<CTerm, { type: 'object' }>,
  tpe: Extract<RType, { k: 'object' }>,
  union: boolean,
): boolean {
  if (t.entries.length !== tpe.static.length && tpe.dynamic === null) return false;
  return t.entries.every((e) => {
    const k = staticKey(e.key);
    if (k === undefined) return unify1(u, e.value, T_ANY, union);
    const child = selectKey(tpe, k);
    return child !== null && unify1(u, e.value, child, union);
  });
}

function unify1Var(u: Unifier, name: string, tpe: Maybe, union: boolean): boolean {
  const exist = u.env.get(name);
  if (union) {
    u.env.set(name, orTypes(exist, tpe) ?? T_ANY);
    return true;
  }
  if (exist !== null) return tpe === null || unifies(exist, tpe);
  u.env.set(name, tpe ?? T_ANY);
  return true;
}

/**
 * OPA's unify1: whether term `t` can have type `tpe`, binding untyped vars in `t` to the
 * parts of `tpe` they meet (with `union`, widening bound vars instead of checking them).
 */
export function unify1(u: Unifier, t: CTerm, tpe: Maybe, union: boolean): boolean {
  if (tpe === null) return true;
  switch (t.type) {
    case 'array':
      if (tpe.k === 'array') return unify1Array(u, t, tpe, union);
      if (tpe.k === 'any') return eachAlternative(u, t, tpe, (w) => t.items.forEach((i) => unify1(u, i, w, true)));
      return false;
    case 'object':
      if (tpe.k === 'object') return unify1Object(u, t, tpe, union);
      if (tpe.k === 'any')
        return eachAlternative(u, t, tpe, (w) =>
          t.entries.forEach((e) => {
            unify1(u, e.key, w, true);
            unify1(u, e.value, w, true);
          }),
        );
      return false;
    case 'set':
      if (tpe.k === 'set') return t.items.every((i) => unify1(u, i, tpe.of, union));
      if (tpe.k === 'any') return eachAlternative(u, t, tpe, (w) => t.items.forEach((i) => unify1(u, i, w, true)));
      return false;
    case 'var':
      return unify1Var(u, t.name, tpe, union);
    default: {
      const have = typeOf(u.env, u.hooks, t);
      return have === null || unifies(have, tpe);
    }
  }
}

function isUnknown(u: Unifier, t: CTerm): boolean {
  return typeOf(u.env, u.hooks, t) === null;
}

/** OPA's unify2 for `a = b`: binds the untyped side from the typed one; mismatches are not reported here. */
export function unify2(u: Unifier, a: CTerm, b: CTerm): void {
  const ta = typeOf(u.env, u.hooks, a);
  const tb = typeOf(u.env, u.hooks, b);
  if (ta === null && tb !== null) {
    unify1(u, a, tb, false);
    return;
  }
  if (tb === null && ta !== null) {
    unify1(u, b, ta, false);
    return;
  }
  if (ta !== null || tb !== null) return;
  if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
    a.items.forEach((x, i) => {
      const y = b.items[i];
      if (y !== undefined && (isUnknown(u, x) || isUnknown(u, y))) unify2(u, x, y);
    });
  }
}
