/** Whole-program checks: conflicting rule kinds, default rules, recursion. */
import { joinPath } from './env.js';
import type { Problems } from './errors.js';
import type { CExpr, CRule, CTerm, CallTarget } from './types.js';
import { walkBody, walkExprs, walkTerm } from './walk.js';

export function checkRuleSet(rules: readonly CRule[], problems: Problems): void {
  const byPath = new Map<string, CRule[]>();
  for (const r of rules) {
    const key = joinPath(r.path);
    const list = byPath.get(key) ?? [];
    list.push(r);
    byPath.set(key, list);
  }
  for (const [key, list] of byPath) {
    const [first] = list;
    if (first === undefined) continue;
    const conflict = list.find((r) => r.kind !== first.kind);
    if (conflict !== undefined) problems.add('rego_type_error', `conflicting rules data.${key} found`, conflict.loc);
    const defaults = list.filter((r) => r.isDefault);
    const second = defaults[1];
    if (second !== undefined) problems.add('rego_type_error', `multiple default rules data.${key} found`, second.loc);
  }
  checkPrefixConflicts(byPath, problems);
  checkRecursion(rules, byPath, problems);
}

function checkPrefixConflicts(byPath: ReadonlyMap<string, readonly CRule[]>, problems: Problems): void {
  for (const [key, list] of byPath) {
    const [first] = list;
    if (first === undefined || first.keys.length > 0) continue;
    const deeper = [...byPath.keys()].filter((k) => k.startsWith(`${key}.`));
    if (deeper.length > 0) {
      problems.add(
        'rego_type_error',
        `rule data.${key} conflicts with [${deeper.map((d) => `data.${d}`).join(' ')}]`,
        first.loc,
      );
    }
  }
}

/** A ref prefix ending in a non-string scalar key (`data[2]`) cannot reach rules below it. */
interface Prefix {
  readonly path: readonly string[];
  readonly scalarStop: boolean;
}

function refPrefix(path: readonly CTerm[]): Prefix {
  const out: string[] = [];
  for (const p of path) {
    if (p.type === 'number' || p.type === 'boolean' || p.type === 'null') return { path: out, scalarStop: true };
    if (p.type !== 'string') break;
    out.push(p.value);
  }
  return { path: out, scalarStop: false };
}

/** Every ref into data and every user-function call or `with` replacement in a rule. */
function prefixesOf(r: CRule): Prefix[] {
  const out: Prefix[] = [];
  const user = (t: CallTarget): void => {
    if (t.kind === 'user') out.push({ path: t.path, scalarStop: false });
  };
  const visitTerm = (t: CTerm): void => {
    if (t.type === 'dataRef') out.push(refPrefix(t.path));
    else if (t.type === 'call') user(t.target);
  };
  const visitExpr = (e: CExpr): void => {
    if (e.core.type === 'call') user(e.core.target);
    for (const w of e.with) if (w.value.kind === 'function') user(w.value.target);
  };
  const bodies = [r.body, ...r.else.map((e) => e.body)];
  for (const b of bodies) {
    walkBody(b, visitTerm);
    walkExprs(b, visitExpr);
  }
  [r.value, ...r.keys, ...r.else.map((e) => e.value)].forEach((t) => walkTerm(t, visitTerm));
  return out;
}

/** Rule paths a rule depends on. */
function dependencies(r: CRule, paths: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const prefix of prefixesOf(r)) {
    const g = joinPath(prefix.path);
    for (const p of paths) {
      const below = g === '' || p.startsWith(`${g}.`);
      if (p === g || g.startsWith(`${p}.`) || (below && !prefix.scalarStop)) out.add(p);
    }
  }
  return out;
}

function checkRecursion(
  rules: readonly CRule[],
  byPath: ReadonlyMap<string, readonly CRule[]>,
  problems: Problems,
): void {
  const paths = [...byPath.keys()];
  const edges = new Map<string, Set<string>>();
  for (const r of rules) {
    const key = joinPath(r.path);
    const set = edges.get(key) ?? new Set<string>();
    for (const d of dependencies(r, paths)) set.add(d);
    edges.set(key, set);
  }
  const reported = new Set<string>();
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const dfs = (node: string): void => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'active') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        if (!reported.has(next)) {
          reported.add(next);
          const rule = byPath.get(next)?.[0];
          const chain = cycle.map((c) => `data.${c}`).join(' -> ');
          if (rule !== undefined)
            problems.add('rego_recursion_error', `rule data.${next} is recursive: ${chain}`, rule.loc);
        }
      } else if (s === undefined) dfs(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const p of paths) if (!state.has(p)) dfs(p);
}
