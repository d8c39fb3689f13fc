import type { Annotation, Body, Comment, Expr, Import, Module, Package, Rule } from './ast.js';
import {
  exprHead,
  formatHeadRef,
  formatRef,
  LINE_BREAK,
  pipeSafeExpr,
  startsWithPipe,
  topTerm,
  withMultiline,
} from './format-term.js';

/**
 * Canonical Rego v1 text for a module (in the spirit of `opa fmt`, not byte-identical): one rule
 * per paragraph, `if`/`contains` always spelled, tabs for indentation, terms on one line.
 * Contract: parsing the output yields the same tree, locations aside. Comments are kept and
 * placed before the first statement or body expression that follows them in the source.
 */
export function formatModule(module: Module): string {
  return withMultiline(() => printModule(module));
}

/** Turns the term printer's relative line breaks into newlines at `indent`. */
function indented(text: string, indent: string): string {
  return text.replaceAll(LINE_BREAK, `\n${indent}`);
}

function printModule(module: Module): string {
  const out: string[] = [];
  const comments = new CommentQueue(module.comments);
  emitPackage(module.package, comments, out);
  if (module.imports.length > 0) out.push('');
  for (const imp of module.imports) {
    comments.flushBefore(imp.loc.row, '', out);
    out.push(formatImport(imp) + comments.trailing(imp.loc.row));
  }
  for (const rule of module.rules) {
    out.push('');
    comments.flushBefore(rule.loc.row, '', out);
    emitAnnotations(rule.annotations, out);
    emitRule(rule, comments, out);
  }
  if (comments.remaining()) out.push('');
  comments.flushBefore(Number.POSITIVE_INFINITY, '', out);
  return `${out.join('\n')}\n`;
}

class CommentQueue {
  private next = 0;

  constructor(private readonly comments: readonly Comment[]) {}

  remaining(): boolean {
    return this.next < this.comments.length;
  }

  /** Comments on `row` (after the code that starts there), as a ` # text` suffix. */
  trailing(row: number): string {
    let text = '';
    for (let c = this.comments[this.next]; c?.loc.row === row; c = this.comments[this.next]) {
      text += ` #${c.text}`;
      this.next++;
    }
    return text;
  }

  flushBefore(row: number, indent: string, out: string[]): void {
    for (let c = this.comments[this.next]; c !== undefined && c.loc.row < row; c = this.comments[this.next]) {
      out.push(`${indent}#${c.text}`);
      this.next++;
    }
  }
}

function emitPackage(pkg: Package, comments: CommentQueue, out: string[]): void {
  comments.flushBefore(pkg.loc.row, '', out);
  emitAnnotations(pkg.annotations, out);
  const [first, ...rest] = pkg.path.path;
  const path =
    first === undefined
      ? ''
      : formatRef({ ...pkg.path, head: { type: 'var', name: first.value, loc: first.loc }, path: rest });
  out.push(`package ${path}${comments.trailing(pkg.loc.row)}`);
}

function formatImport(imp: Import): string {
  return `import ${formatRef(imp.path)}${imp.alias === null ? '' : ` as ${imp.alias}`}`;
}

function emitAnnotations(annotations: readonly Annotation[], out: string[]): void {
  for (const a of annotations) {
    out.push('# METADATA');
    for (const line of a.text.split('\n')) out.push(line === '' ? '#' : `# ${line}`);
  }
}

function headText(rule: Rule): string {
  const h = rule.head;
  let text = (rule.isDefault ? 'default ' : '') + formatHeadRef(h.ref);
  if (h.args !== null) text += `(${h.args.map(topTerm).join(', ')})`;
  if (rule.kind === 'multi' && h.key !== null) text += ` contains ${topTerm(h.key)}`;
  if (h.value !== null) text += ` ${h.assign ? ':=' : '='} ${topTerm(h.value)}`;
  return text;
}

function emitRule(rule: Rule, comments: CommentQueue, out: string[]): void {
  const head = indented(headText(rule), '');
  if (rule.body === null) {
    out.push(head + comments.trailing(rule.loc.row));
    return;
  }
  const [only, ...more] = rule.body;
  if (
    only !== undefined &&
    more.length === 0 &&
    rule.else.length === 0 &&
    only.loc.row === rule.loc.row &&
    only.type !== 'every' &&
    !startsWithPipe(only)
  ) {
    // OPA keeps a one-expression body written on the head's line there: `p if x`.
    const text = indented(exprLines(only, '', comments), '');
    if (!text.includes('\n')) {
      out.push(`${head} if ${text}${comments.trailing(rule.loc.row)}`);
      return;
    }
  }
  out.push(`${head} if {${comments.trailing(rule.loc.row)}`);
  emitBody(rule.body, '\t', comments, out, true);
  let closing = '}';
  for (const clause of rule.else) {
    const value = clause.value === null ? '' : ` ${clause.assign ? ':=' : '='} ${indented(topTerm(clause.value), '')}`;
    comments.flushBefore(clause.loc.row, '\t', out);
    const trail = comments.trailing(clause.loc.row);
    if (clause.body === null) {
      out.push(`${closing} else${value}${trail}`);
      closing = '';
      break;
    }
    out.push(`${closing} else${value} if {${trail}`);
    emitBody(clause.body, '\t', comments, out, false);
    closing = '}';
  }
  if (closing !== '') out.push(closing);
}

/** One expression per line; `guardPipe` protects the first line of `if {` bodies (see startsWithPipe). */
function emitBody(body: Body, indent: string, comments: CommentQueue, out: string[], guardPipe: boolean): void {
  body.forEach((expr, i) => {
    comments.flushBefore(expr.loc.row, indent, out);
    const trail = comments.trailing(expr.loc.row);
    const text = indented(
      guardPipe && i === 0 && startsWithPipe(expr) ? pipeSafeExpr(expr) : exprLines(expr, indent, comments),
      indent,
    );
    const br = text.indexOf('\n');
    out.push(br < 0 ? `${indent}${text}${trail}` : `${indent}${text.slice(0, br)}${trail}${text.slice(br)}`);
  });
}

function exprLines(expr: Expr, indent: string, comments: CommentQueue): string {
  return exprHead(expr, (body) => {
    const inner: string[] = [];
    emitBody(body, `${indent}\t`, comments, inner, false);
    return `{\n${inner.join('\n')}\n${indent}}`;
  });
}
