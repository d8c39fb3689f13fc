/**
 * The built-in catalogue is the one truth: what it calls native is exported by the runtime,
 * what it calls host is implemented by hostBuiltins(), and the compiler's stages read it
 * without loading the host implementations.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  HOST_ALIASES,
  HOST_TEXT_ARGS,
  builtinDeclarations,
  lookupBuiltin,
  refusedBuiltins,
} from '../../src/rego/catalogue/index.js';
import { rawHostBuiltins } from '../../src/rego/builtins/index.js';
import { nativeBuiltins } from '../../src/rego/wasm/index.js';
import { repoRoot } from '../fixtures/shared.js';

t.test('native built-ins are runtime exports, host ones host functions, inline ones neither', async (t) => {
  const native = nativeBuiltins();
  const host = rawHostBuiltins();
  for (const d of builtinDeclarations) {
    switch (d.impl) {
      case 'native':
        t.ok(native.has(d.name), `runtime.wasm exports ${d.name}`);
        break;
      case 'host':
        t.ok(host[d.name] !== undefined && !native.has(d.name), `${d.name} is a host function (and not native)`);
        break;
      case 'inline':
        t.ok(host[d.name] === undefined && !native.has(d.name), `${d.name} is compiled inline`);
        break;
      default:
        t.fail(`unhandled impl ${JSON.stringify(d)}`);
    }
  }
  t.same(
    builtinDeclarations.filter((d) => d.impl === 'inline').map((d) => d.name),
    ['assign', 'eq', 'print'],
  );
});

t.test('aliases belong to host built-ins and are registered; text arguments only for aliases', async (t) => {
  const host = rawHostBuiltins();
  for (const [name, alias] of Object.entries(HOST_ALIASES)) {
    const found = lookupBuiltin(name);
    t.ok(found.kind === 'supported' && found.builtin.impl === 'host', `${name} is a host built-in`);
    t.ok(host[alias] !== undefined, `${alias} registered`);
  }
  t.same(
    Object.keys(HOST_TEXT_ARGS).filter((n) => HOST_ALIASES[n] === undefined),
    [],
  );
});

t.test('a name is supported or refused, never both; every refusal has a reason', async (t) => {
  const supported = new Set(builtinDeclarations.map((d) => d.name));
  t.same(
    refusedBuiltins.filter((r) => supported.has(r.name)).map((r) => r.name),
    [],
  );
  for (const r of refusedBuiltins) t.ok(r.reason.length > 10 && Number.isInteger(r.arity), `${r.name}: ${r.reason}`);
  t.equal(lookupBuiltin('http.send').kind, 'refused');
  t.equal(lookupBuiltin('no.such.builtin').kind, 'unknown');
});

/** Relative imports of a source file, resolved to .ts paths; package imports by name. */
function imports(file: string): { files: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g),
  ].map((m) => m[1] ?? m[2] ?? '');
  return {
    files: specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts'))),
    packages: specs.filter((s) => s !== '' && !s.startsWith('.')),
  };
}

t.test('the compiler stages load neither the host implementations nor re2js', async (t) => {
  const roots = ['compile', 'plan', 'wasm', 'catalogue', 'syntax'].map((r) =>
    join(repoRoot, 'src', 'rego', r, 'index.ts'),
  );
  const seen = new Set<string>();
  const packages = new Set<string>();
  const todo = [...roots];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const found = imports(file);
    for (const p of found.packages) packages.add(p);
    todo.push(...found.files);
  }
  const hostFiles = [...seen]
    .map((f) => relative(repoRoot, f))
    .filter((f) => f.startsWith(join('src', 'rego', 'builtins')));
  t.same(hostFiles, [], 'no file of src/rego/builtins is imported');
  t.notOk(packages.has('re2js') || packages.has('yaml'), `packages: ${[...packages].sort().join(', ')}`);
  t.ok(seen.size > 20, `the walk followed the imports (${seen.size} files)`);
});
