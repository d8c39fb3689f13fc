import type { Import, Loc, Package, PathRef, StringTerm, VarTerm } from './ast.js';
import { valueName } from './build.js';
import type { Parser } from './parser-core.js';
import { parseTermIn } from './terms.js';
import { BASE_KEYWORDS, FUTURE_KEYWORDS, Tk } from './tokens.js';

/** `package a.b["c"]`: the path is rooted at `data`; keys must be strings. */
export function parsePackage(p: Parser): Package | null {
  const loc = p.loc(p.tok);
  p.next();
  if (p.kind() !== Tk.Word) {
    p.unexpected();
    return null;
  }
  const path = parsePath(p);
  if (path === null) return null;
  const data: VarTerm = { type: 'var', name: 'data', loc: path.loc };
  const first: StringTerm = { type: 'string', value: path.head.name, loc: path.head.loc };
  return { type: 'package', path: { ...path, head: data, path: [first, ...path.path] }, annotations: [], loc };
}

/** A word followed by `.word` or `["string"]` keys, with no whitespace in between. */
function parsePath(p: Parser): PathRef | null {
  const first = p.tok;
  const head: VarTerm = { type: 'var', name: first.text, loc: p.loc(first) };
  p.next();
  const path: StringTerm[] = [];
  while (!p.tok.ws && (p.kind() === Tk.Dot || p.kind() === Tk.LBrack)) {
    const key = p.kind() === Tk.Dot ? parseDotKey(p) : parseBracketKey(p);
    if (key === null) return null;
    path.push(key);
  }
  return { type: 'ref', head, path, loc: head.loc };
}

function parseDotKey(p: Parser): StringTerm | null {
  p.next();
  const t = p.tok;
  if (t.kind !== Tk.Word || t.ws) {
    p.unexpected('expected identifier');
    return null;
  }
  p.next();
  return { type: 'string', value: t.text, loc: p.loc(t) };
}

function parseBracketKey(p: Parser): StringTerm | null {
  p.next();
  const key = parseTermIn(p, true);
  if (key === null) return null;
  if (key.type !== 'string') {
    p.error(key.loc, `unexpected ${valueName(key)} token: expecting string`);
    return null;
  }
  if (p.kind() !== Tk.RBrack) {
    p.unexpected('expected ]');
    return null;
  }
  p.next();
  return key;
}

const IMPORT_ROOTS: ReadonlySet<string> = new Set(['data', 'input', 'future', 'rego']);

/**
 * `import data.x.y [as z]`, `import input.foo`, `import future.keywords[.kw]`, `import rego.v1`.
 * In v0, the last two switch on future keywords for the rest of the module, as in OPA.
 */
export function parseImport(p: Parser): Import | null {
  const loc = p.loc(p.tok);
  p.next();
  if (p.kind() !== Tk.Word) {
    p.unexpected();
    return null;
  }
  const path = parsePath(p);
  if (path === null) return null;
  if (!IMPORT_ROOTS.has(path.head.name)) {
    p.error(
      path.loc,
      `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${path.head.name} (hint: if this is unexpected, try updating OPA)`,
    );
    return null;
  }
  let alias: string | null = null;
  if (p.atKw('as')) {
    p.next();
    if (p.kind() !== Tk.Word || p.keyword(p.tok) !== null) {
      p.unexpected('expected var');
      return null;
    }
    alias = p.tok.text;
    p.next();
  }
  const imp: Import = { type: 'import', path, alias, loc };
  checkImport(p, imp);
  return imp;
}

function isKeywordInVersion(p: Parser, word: string): boolean {
  return BASE_KEYWORDS.has(word) || ((p.v1 || p.v1Compatible) && FUTURE_KEYWORDS.includes(word));
}

function checkImport(p: Parser, imp: Import): void {
  const root = imp.path.head.name;
  const last = imp.path.path[imp.path.path.length - 1];
  if (imp.alias === null && root !== 'future' && last !== undefined && isKeywordInVersion(p, last.value)) {
    p.error(
      last.loc,
      `unexpected import path, must not end with a keyword, got: ${last.value} (hint: import a different path or use an alias)`,
    );
  }
  if (root === 'future') futureImport(p, imp);
  if (root === 'rego') regoImport(p, imp);
}

function futureImport(p: Parser, imp: Import): void {
  const [first, kw, ...rest] = imp.path.path;
  const at: Loc = imp.path.loc;
  if (first?.value !== 'keywords') return p.error(at, 'invalid import, must be `future.keywords`');
  if (imp.alias !== null) return p.error(at, '`future` imports cannot be aliased');
  if (kw === undefined) return p.enableKeywords(FUTURE_KEYWORDS);
  if (rest.length > 0)
    return p.error(at, 'invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`');
  if (!FUTURE_KEYWORDS.includes(kw.value))
    return p.error(at, `unexpected keyword, must be one of [${FUTURE_KEYWORDS.join(' ')}]`);
  // Importing `every` also imports `in`, as in OPA.
  p.enableKeywords(kw.value === 'every' ? ['every', 'in'] : [kw.value]);
}

function regoImport(p: Parser, imp: Import): void {
  const keys = imp.path.path.map((k) => k.value);
  if (keys.length !== 1 || keys[0] !== 'v1') {
    p.error(imp.path.loc, `invalid import \`${['rego', ...keys].join('.')}\`, must be \`rego.v1\``);
    return;
  }
  if (p.v1) return;
  if (imp.alias !== null) {
    p.error(imp.path.loc, '`rego` imports cannot be aliased');
    return;
  }
  p.v1Compatible = true;
  p.enableKeywords(FUTURE_KEYWORDS);
}
