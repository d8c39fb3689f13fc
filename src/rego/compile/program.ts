/** compileProgram: parsed modules (+ a query) → the checked, rewritten Program. */
import type { Body, Module, RegoError } from '../syntax/index.js';
import { checkRuleSet } from './checks.js';
import { joinPath, type Globals, type ImportTarget, type PackageEnv } from './env.js';
import { Problems, RegoCompileError } from './errors.js';
import { Rewriter } from './rewrite.js';
import { compileRule, ruleShape } from './rules.js';
import { reorderBody } from './safety.js';
import { Scopes } from './scope.js';
import { checkTypes } from './typecheck.js';
import type { CQuery, CRule, Program } from './types.js';
import { exprVars } from './vars.js';
import { deepBodyVars } from './walk.js';

export interface CompileOptions {
  readonly modules: readonly Module[];
  /** A parsed query (as for `opa eval QUERY`), or omitted when only entrypoints are planned. */
  readonly query?: Body;
  /**
   * Keep `print(…)` calls as calls of the host built-in `internal.print` (OPA's
   * WithEnablePrintStatements). Default false: they are erased, as `opa build` does.
   */
  readonly enablePrint?: boolean;
}

function importsOf(m: Module): Map<string, ImportTarget> {
  const out = new Map<string, ImportTarget>();
  for (const imp of m.imports) {
    const root = imp.path.head.name;
    if (root !== 'data' && root !== 'input') continue;
    const path = imp.path.path.map((s) => s.value);
    const alias = imp.alias ?? path[path.length - 1] ?? root;
    out.set(alias, { root, path });
  }
  return out;
}

function functionArities(modules: readonly Module[], problems: Problems): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of modules) {
    const pkg = m.package.path.path.map((s) => s.value);
    for (const r of m.rules) {
      if (r.kind !== 'function' || r.head.args === null) continue;
      const key = joinPath(ruleShape(r, pkg).path);
      const prev = out.get(key);
      if (prev !== undefined && prev !== r.head.args.length) {
        problems.add('rego_type_error', `conflicting rules data.${key} found`, r.loc);
      }
      out.set(key, r.head.args.length);
    }
  }
  return out;
}

/**
 * Compiles modules and an optional query. Throws RegoCompileError (IMAGEGATE_REGO_COMPILE)
 * listing every problem, like OPA's compiler.
 */
export function compileProgram(options: CompileOptions): Program {
  const problems = new Problems();
  const globals: Globals = {
    functions: functionArities(options.modules, problems),
    problems,
    names: { n: 0 },
    enablePrint: options.enablePrint ?? false,
  };
  const ruleNames = new Map<string, Set<string>>();
  for (const m of options.modules) {
    const key = joinPath(m.package.path.path.map((s) => s.value));
    const names = ruleNames.get(key) ?? new Set<string>();
    ruleNames.set(key, names);
    for (const r of m.rules) names.add(r.head.ref[0].name);
  }
  const rules: CRule[] = [];
  const packages: string[][] = [];
  for (const m of options.modules) {
    const pkg = m.package.path.path.map((s) => s.value);
    packages.push(pkg);
    const env: PackageEnv = {
      pkg,
      imports: importsOf(m),
      ruleNames: ruleNames.get(joinPath(pkg)) ?? new Set(),
      globals,
    };
    for (const r of m.rules) rules.push(compileRule(r, env));
  }
  checkRuleSet(rules, problems);
  const query = options.query === undefined ? null : compileQuery(options.query, globals);
  // Like OPA, types are checked only once every earlier stage passed.
  if (problems.list.length === 0) checkTypes({ rules, query, problems });
  if (problems.list.length > 0) throw new RegoCompileError(sortProblems(problems.list));
  return { rules, packages, query };
}

/** OPA reports errors ordered by file, row and column. */
function sortProblems(list: readonly RegoError[]): RegoError[] {
  return list
    .map((p, i) => ({ p, i }))
    .sort((a, b) =>
      a.p.loc.file < b.p.loc.file
        ? -1
        : a.p.loc.file > b.p.loc.file
          ? 1
          : a.p.loc.row - b.p.loc.row || a.p.loc.col - b.p.loc.col || a.i - b.i,
    )
    .map((x) => x.p);
}

function compileQuery(body: Body, globals: Globals): CQuery {
  const scopes = new Scopes(globals.problems, globals.names);
  const env: PackageEnv = { pkg: [], imports: new Map(), ruleNames: new Set(), globals };
  const rw = new Rewriter(env, scopes);
  const compiled = rw.body(body);
  const r = reorderBody(compiled, new Set(), new Set(), { problems: globals.problems, display: scopes.display });
  scopes.checkUnused(deepBodyVars(r.body));
  const seen = new Set<string>();
  const vars: { name: string; display: string }[] = [];
  for (const e of r.body) {
    for (const v of exprVars(e)) {
      if (seen.has(v) || v.startsWith('$')) continue;
      seen.add(v);
      vars.push({ name: v, display: scopes.display.get(v) ?? v });
    }
  }
  return { body: r.body, vars };
}
