/**
 * `imagegate serve` loads no compiler: the module graph of the bin (src/cli/main.ts), static
 * imports only, reaches no file of the Rego room and not binaryen. The compiler is reached
 * only through dynamic import() (`policy` commands, compileBundle) and the compiler process
 * (src/policy/compile-child.ts), which policy.dir and stale shipped policies use.
 */
import t from 'tap';
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../fixtures/shared.js';

interface Graph {
  /** Repository paths of the files reached, each with the file that first imported it. */
  readonly files: ReadonlyMap<string, string>;
  /** Packages imported, each with the file that first imported it. */
  readonly packages: ReadonlyMap<string, string>;
}

/** Static, value-level imports and re-exports from `entry` (type-only ones load nothing). */
function staticGraph(entry: string): Graph {
  const files = new Map<string, string>();
  const packages = new Map<string, string>();
  const queue: (readonly [string, string])[] = [[entry, '(entry)']];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const [file, from] = next;
    if (files.has(file)) continue;
    files.set(file, from);
    const source = ts.createSourceFile(file, readFileSync(join(repoRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
    for (const st of source.statements) {
      if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
      const spec = st.moduleSpecifier;
      if (spec === undefined || !ts.isStringLiteral(spec)) continue;
      const typeOnly = ts.isExportDeclaration(st)
        ? st.isTypeOnly
        : st.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword;
      if (typeOnly) continue;
      if (spec.text.startsWith('.')) {
        queue.push([relative(repoRoot, resolve(repoRoot, dirname(file), spec.text)).replace(/\.js$/, '.ts'), file]);
      } else if (!packages.has(spec.text)) packages.set(spec.text, file);
    }
  }
  return { files, packages };
}

function chain(graph: Graph, file: string): string {
  const path = [file];
  for (let f = graph.files.get(file); f !== undefined && f !== '(entry)'; f = graph.files.get(f)) path.unshift(f);
  return path.join(' -> ');
}

t.test('the bin that `npm start` runs reaches no part of the Rego room and not binaryen', async (t) => {
  const graph = staticGraph('src/cli/main.ts');
  const rego = [...graph.files.keys()].filter((f) => f.startsWith('src/rego/')).map((f) => chain(graph, f));
  t.same(rego, [], 'no src/rego file is imported statically (use import() or the compiler process)');
  const binaryen = graph.packages.get('binaryen');
  t.equal(binaryen, undefined, `binaryen is not imported (found in ${binaryen ?? ''})`);
  for (const needed of ['src/cli/serve.ts', 'src/policy/load.ts', 'src/policy/compile-process.ts', 'src/server/app.ts'])
    t.ok(graph.files.has(needed), `the walk followed the serve path to ${needed}`);
});

t.test('the compiler process does reach the compiler and binaryen (the walk can see them)', async (t) => {
  // build.ts reaches the compiler only by import(); the worker's own graph shows that the
  // static walk would report the compiler, were it imported statically on the serve path.
  const graph = staticGraph('src/rego/index.ts');
  t.ok(graph.files.has('src/rego/pipeline.ts'));
  t.ok(graph.packages.has('binaryen'), 'binaryen is reached from the Rego room door');
  const text = readFileSync(join(repoRoot, 'src/policy/build.ts'), 'utf8');
  t.match(text, /await import\('\.\.\/rego\/index\.js'\)/, 'compileBundle loads the compiler on first use');
});
