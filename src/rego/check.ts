import { compileProgram, isRegoCompileError } from './compile/index.js';
import { parseSources, type RegoSource, type RegoVersion } from './pipeline.js';
import {
  isRegoParseError,
  walkTerms,
  type Loc,
  type Module,
  type RegoError,
  type Rule,
  type Term,
} from './syntax/index.js';
import { checkDeprecatedBuiltins } from './syntax/checks.js';

/**
 * `opa check`: parses every source (all parse errors of all files), then compiles and type
 * checks them together (every compile error). With `strict`, also OPA's strict-mode checks that
 * are decidable from the syntax alone: unused and duplicate imports, deprecated built-ins, and
 * `:=` variables never used again in their rule. Returns [] when the sources are clean.
 */
export function checkSources(opts: {
  readonly sources: readonly RegoSource[];
  readonly regoVersion?: RegoVersion;
  readonly strict?: boolean;
}): RegoError[] {
  let modules: Module[];
  try {
    modules = parseSources(opts);
  } catch (err) {
    if (isRegoParseError(err)) return [...err.errors];
    throw err;
  }
  const problems: RegoError[] = [];
  try {
    compileProgram({ modules, enablePrint: true });
  } catch (err) {
    if (!isRegoCompileError(err)) throw err;
    problems.push(...err.problems);
  }
  if (opts.strict === true) for (const m of modules) problems.push(...strictProblems(m));
  return problems;
}

function strictProblems(m: Module): RegoError[] {
  const out: RegoError[] = [];
  const used = new Set<string>();
  for (const rule of m.rules) {
    walkTerms(rule, (t) => {
      if (t.type === 'var') used.add(t.name);
      if (t.type === 'ref' && t.head.type === 'var') used.add(t.head.name);
    });
  }
  const seen = new Set<string>();
  for (const imp of m.imports) {
    const root = imp.path.head.name;
    const path = [root, ...imp.path.path.map((s) => s.value)].join('.');
    if (root !== 'data' && root !== 'input') continue;
    const alias = imp.alias ?? imp.path.path.at(-1)?.value ?? root;
    if (seen.has(path))
      out.push({ code: 'rego_compile_error', message: `import ${path} is a duplicate`, loc: imp.loc });
    else if (!used.has(alias)) out.push({ code: 'rego_compile_error', message: `import ${path} unused`, loc: imp.loc });
    seen.add(path);
  }
  if (m.regoVersion === 0) out.push(...checkDeprecatedBuiltins(m.rules));
  for (const rule of m.rules) out.push(...unusedAssignments(rule));
  return out.sort((a, b) => a.loc.row - b.loc.row || a.loc.col - b.loc.col);
}

/**
 * OPA's "assigned var x unused": a variable declared with `:=` whose name occurs nowhere else
 * in the rule. Counting names across the whole rule never reports a used variable; a name
 * reused in another scope of the same rule is not reported (OPA would).
 */
function unusedAssignments(rule: Rule): RegoError[] {
  const counts = new Map<string, number>();
  const declared: { name: string; loc: Loc }[] = [];
  walkTerms(rule, (t) => {
    if (t.type === 'var') counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const lhs = assignedVar(t);
    if (lhs !== undefined) declared.push(lhs);
  });
  return declared
    .filter((d) => d.name !== '_' && !d.name.startsWith('$') && counts.get(d.name) === 1)
    .map((d) => ({ code: 'rego_compile_error', message: `assigned var ${d.name} unused`, loc: d.loc }));
}

function assignedVar(t: Term): { name: string; loc: Loc } | undefined {
  if (
    t.type !== 'call' ||
    t.operator.head.type !== 'var' ||
    t.operator.head.name !== 'assign' ||
    t.operator.path.length > 0
  )
    return undefined;
  const lhs = t.args[0];
  return lhs?.type === 'var' ? { name: lhs.name, loc: lhs.loc } : undefined;
}
