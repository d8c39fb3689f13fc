import type { Comment, Import, Loc, Module, Package, Rule } from './ast.js';
import { attachAnnotations } from './annotations.js';
import { checkDeprecatedBuiltins, checkRegoV1Rules } from './checks.js';
import { parseImport, parsePackage } from './package-import.js';
import type { Parser } from './parser-core.js';
import { parseRuleStatement, startsRuleHead, type RuleSyntax } from './rules.js';
import { Tk } from './tokens.js';

interface Statements {
  readonly packages: Package[];
  readonly imports: Import[];
  readonly rules: Rule[];
  readonly syntax: RuleSyntax[];
  first: Loc | null;
  firstIsPackage: boolean;
}

/**
 * Reads a whole module. After a failed statement the parser resumes at the next line that starts
 * in column 1 with something that can begin a statement, so one run reports many errors.
 * Returns null when no module could be built (errors are on the parser).
 */
export function parseModuleStatements(p: Parser, comments: readonly Comment[]): Module | null {
  const s: Statements = { packages: [], imports: [], rules: [], syntax: [], first: null, firstIsPackage: false };
  while (p.kind() !== Tk.EOF && !p.isAborted()) {
    const start = p.pos;
    const errors = p.errors.length;
    p.forgetTerms();
    if (parseStatement(p, s)) continue;
    if (p.errors.length === errors && !p.isAborted() && p.kind() !== Tk.Illegal) p.unexpected();
    recover(p, start);
  }
  return assemble(p, s, comments);
}

function parseStatement(p: Parser, s: Statements): boolean {
  const t = p.tok;
  const loc = p.loc(t);
  if (p.atKw('package')) {
    const isFirst = s.first === null;
    s.first ??= loc;
    if (isFirst) s.firstIsPackage = true;
    const pkg = parsePackage(p);
    if (pkg === null) return false;
    if (!isFirst) p.error(pkg.loc, 'unexpected package');
    s.packages.push(pkg);
    return true;
  }
  const imp = p.atKw('import') ? parseImport(p) : undefined;
  if (imp === null) return false;
  s.first ??= loc;
  if (imp !== undefined) {
    s.imports.push(imp);
    return true;
  }
  const parsed = parseRuleStatement(p);
  if (parsed === null) return false;
  s.rules.push(...parsed.rules);
  s.syntax.push(...parsed.syntax);
  return true;
}

function recover(p: Parser, start: number): void {
  p.pos = start;
  p.next();
  while (p.kind() !== Tk.EOF && !(p.tok.nl && p.tok.loc.col === 1 && startsStatement(p))) p.next();
}

function startsStatement(p: Parser): boolean {
  return startsRuleHead(p) || p.atKw('package') || p.atKw('import') || p.atKw('default');
}

function assemble(p: Parser, s: Statements, comments: readonly Comment[]): Module | null {
  const [pkg] = s.packages;
  if (s.first === null) {
    if (p.errors.length === 0 && !p.isAborted()) p.error({ file: p.file, row: 1, col: 1 }, 'empty module');
    return null;
  }
  if (!s.firstIsPackage) p.error(s.first, 'package expected');
  if (pkg === undefined || !s.firstIsPackage) return null;
  if (p.v1 || p.v1Compatible) {
    p.errors.push(...checkRegoV1Rules(s.syntax), ...checkDeprecatedBuiltins(s.rules));
  }
  const attached = attachAnnotations(comments, [pkg.loc, ...s.rules.map((r) => r.loc)]);
  const [pkgAnnotations = [], ...ruleAnnotations] = attached.byAnchor;
  const rules = s.rules.map((r, i) => {
    const annotations = ruleAnnotations[i] ?? [];
    return annotations.length === 0 ? r : { ...r, annotations };
  });
  return {
    type: 'module',
    regoVersion: p.v1 || p.v1Compatible ? 1 : 0,
    package: { ...pkg, annotations: pkgAnnotations },
    imports: s.imports,
    rules,
    comments: attached.comments,
    loc: { file: p.file, row: 1, col: 1 },
  };
}
