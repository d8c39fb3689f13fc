/**
 * Rooms and doors, kept true: every src/ room is entered only through its `index.ts`, a door
 * exports only what other rooms (or the entries) import, tests reach internals through the
 * room's explicit `internal.ts`, and the README's room list is the list of rooms in src/.
 */
import t from 'tap';
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../fixtures/shared.js';

/** Files that are entries, not rooms: their imports make names public (package API, the bin). */
const ENTRIES = new Set(['src/index.ts', 'src/cli/main.ts']);
/**
 * Sub-room doors other rooms may enter besides a room's index.ts, with the reason. The policy
 * evaluator threads need the host built-ins without loading the Rego compiler.
 */
const SUB_DOORS = new Set(['src/rego/builtins/index.ts']);

interface Edge {
  readonly from: string;
  readonly to: string;
  /** Imported names; '*' for a namespace import or `export *`. */
  readonly names: readonly string[];
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(repoRoot, dir))) {
    const rel = `${dir}/${entry}`;
    if (entry === 'build' || entry === 'node_modules') continue;
    if (statSync(join(repoRoot, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(repoRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

function namesOf(st: ts.ImportDeclaration | ts.ExportDeclaration): string[] {
  if (ts.isExportDeclaration(st)) {
    const clause = st.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause)) return ['*'];
    return clause.elements.map((e) => (e.propertyName ?? e.name).text);
  }
  const clause = st.importClause;
  if (clause === undefined) return [];
  const names = clause.name === undefined ? [] : ['default'];
  const bindings = clause.namedBindings;
  if (bindings === undefined) return names;
  if (ts.isNamespaceImport(bindings)) return [...names, '*'];
  return [...names, ...bindings.elements.map((e) => (e.propertyName ?? e.name).text)];
}

/** Relative imports and re-exports of one file, resolved to repository paths. */
function edgesOf(file: string): Edge[] {
  const edges: Edge[] = [];
  for (const st of parse(file).statements) {
    if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
    const spec = st.moduleSpecifier;
    if (spec === undefined || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    const to = relative(repoRoot, resolve(repoRoot, dirname(file), spec.text)).replace(/\.js$/, '.ts');
    const typeOnly = ts.isExportDeclaration(st)
      ? st.isTypeOnly
      : st.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword;
    edges.push({ from: file, to, names: namesOf(st), typeOnly });
  }
  return [...edges, ...dynamicEdgesOf(file)];
}

/** `import('./x.js')` calls: the names destructured from `await import(...)`, else every name. */
function dynamicEdgesOf(file: string): Edge[] {
  const edges: Edge[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [spec] = node.arguments;
      if (spec !== undefined && ts.isStringLiteral(spec) && spec.text.startsWith('.')) {
        const to = relative(repoRoot, resolve(repoRoot, dirname(file), spec.text)).replace(/\.js$/, '.ts');
        edges.push({ from: file, to, names: destructured(node), typeOnly: false });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return edges;
}

function destructured(call: ts.CallExpression): string[] {
  const awaited = ts.isAwaitExpression(call.parent) ? call.parent : undefined;
  const decl = awaited !== undefined && ts.isVariableDeclaration(awaited.parent) ? awaited.parent : undefined;
  if (decl === undefined || !ts.isObjectBindingPattern(decl.name)) return ['*'];
  return decl.name.elements.map((e) => (e.propertyName ?? e.name).getText());
}

/** `admission` for src/admission/x.ts; the file itself for src/index.ts. */
function roomOf(file: string): string {
  return /^src\/([^/]+)\//.exec(file)?.[1] ?? file;
}

/** Names a door declares or re-exports. */
function exportsOf(door: string): string[] {
  const names: string[] = [];
  for (const st of parse(door).statements) {
    if (ts.isExportDeclaration(st)) {
      const clause = st.exportClause;
      if (clause !== undefined && ts.isNamedExports(clause)) names.push(...clause.elements.map((e) => e.name.text));
      continue;
    }
    const exported =
      ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true;
    if (!exported) continue;
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) names.push(d.name.getText());
    else if (
      (ts.isFunctionDeclaration(st) ||
        ts.isClassDeclaration(st) ||
        ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st)) &&
      st.name !== undefined
    )
      names.push(st.name.text);
  }
  return names;
}

const srcFiles = sourceFiles('src').filter((f) => !f.startsWith('src/rego/wasm/runtime/'));
const srcEdges = srcFiles.flatMap(edgesOf).filter((e) => e.to.startsWith('src/'));
const rooms = readdirSync(join(repoRoot, 'src'))
  .filter((e) => statSync(join(repoRoot, 'src', e)).isDirectory())
  .sort();

t.test(
  'src/ enters another room only through its index.ts (or a listed sub-room door), never internal.ts',
  async (t) => {
    const bypasses = srcEdges
      .filter((e) => roomOf(e.from) !== roomOf(e.to) || e.to.endsWith('/internal.ts'))
      .filter((e) => e.to !== `src/${roomOf(e.to)}/index.ts` && !SUB_DOORS.has(e.to))
      .map((e) => `${e.from} -> ${e.to}`);
    t.same(bypasses, []);
    t.ok(
      srcEdges.some((e) => e.from === 'src/policy/worker.ts' && SUB_DOORS.has(e.to)),
      'the sub-room door is still used (else drop it from SUB_DOORS)',
    );
  },
);

t.test("each room's index.ts exports only names other rooms or the entries import", async (t) => {
  for (const room of rooms) {
    const door = `src/${room}/index.ts`;
    const users = srcEdges.filter((e) => e.to === door && (roomOf(e.from) !== room || ENTRIES.has(e.from)));
    const used = new Set(users.flatMap((e) => e.names));
    const unused = used.has('*') ? [] : exportsOf(door).filter((n) => !used.has(n));
    t.same(unused, [], `${door}: names no other room imports belong in src/${room}/internal.ts`);
  }
});

t.test('the host built-ins door loads no part of the compiler', async (t) => {
  const reached = new Set<string>();
  const packages = new Set<string>();
  const queue = ['src/rego/builtins/index.ts'];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (reached.has(file)) continue;
    reached.add(file);
    for (const st of parse(file).statements) {
      if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
      const spec = st.moduleSpecifier;
      if (spec === undefined || !ts.isStringLiteral(spec)) continue;
      const typeOnly = ts.isExportDeclaration(st)
        ? st.isTypeOnly
        : st.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword;
      if (typeOnly) continue;
      if (spec.text.startsWith('.'))
        queue.push(relative(repoRoot, resolve(repoRoot, dirname(file), spec.text)).replace(/\.js$/, '.ts'));
      else packages.add(spec.text);
    }
  }
  // errors, net and guards are leaf rooms: nothing of the compiler can come through them.
  const leaves = /^src\/(errors|net|guards)\//;
  const outside = [...reached].filter((f) => !/^src\/rego\/(builtins|catalogue)\//.test(f) && !leaves.test(f));
  t.same(outside, [], 'only the built-ins, the catalogue table and the leaf rooms (errors, net, guards) are loaded');
  t.notOk(packages.has('binaryen'), 'binaryen is not loaded');
  t.ok(reached.size > 5, `the walk followed the imports (${reached.size} files)`);
});

t.test("the README's Development section names exactly the rooms in src/", async (t) => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const list = /is the only door of each room \(([^)]*)\)/.exec(readme)?.[1];
  if (list === undefined) throw new Error('README.md no longer says "is the only door of each room (…)"');
  t.same(
    list
      .split(',')
      .map((r) => r.trim())
      .sort(),
    rooms,
  );
});
