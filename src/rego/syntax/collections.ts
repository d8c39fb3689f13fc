import type { Loc, ObjectEntry, Term } from './ast.js';
import { parseBody } from './exprs.js';
import type { Mark, Parser } from './parser-core.js';
import { parseTerm, parseTermIn } from './terms.js';
import { Tk, tokenName } from './tokens.js';

/**
 * Arrays, sets, objects and their comprehensions, following OPA's disambiguation: the first
 * element is read as a single term so `[x | …]`, `{x | …}` and `{k: v | …}` are comprehensions;
 * otherwise the elements are re-read as full expressions (memoised, so this stays linear).
 */

/** Comma-separated terms up to `end` (consumed). A trailing comma is allowed. */
export function parseTermList(p: Parser, end: Tk, items: Term[]): Term[] | null {
  if (p.kind() === end) {
    p.next();
    return items;
  }
  for (;;) {
    const t = parseTermIn(p, false);
    if (t === null) return null;
    items.push(t);
    if (p.kind() === Tk.Comma) {
      p.next();
      if (p.kind() !== end) continue;
    }
    if (p.kind() === end) {
      p.next();
      return items;
    }
    p.unexpected(`expected "," or "${tokenName(end)}"`);
    return null;
  }
}

function parsePairList(p: Parser, entries: ObjectEntry[]): ObjectEntry[] | null {
  if (p.kind() === Tk.RBrace) {
    p.next();
    return entries;
  }
  for (;;) {
    const key = parseTermIn(p, false);
    if (key === null) return null;
    if (p.kind() !== Tk.Colon) {
      p.unexpected('expected ":"');
      return null;
    }
    p.next();
    const value = parseTermIn(p, false);
    if (value === null) return null;
    entries.push({ key, value });
    if (p.kind() === Tk.Comma) {
      p.next();
      if (p.kind() !== Tk.RBrace) continue;
    }
    if (p.kind() === Tk.RBrace) {
      p.next();
      return entries;
    }
    p.unexpected('expected "," or "}"');
    return null;
  }
}

/**
 * `[…]`: an array or an array comprehension. As in OPA the head is first read as a single term so
 * that `[x | …]` is a comprehension; otherwise the elements are re-read as full expressions.
 */
export function parseArray(p: Parser): Term | null {
  const loc = p.loc(p.tok);
  p.next();
  let potential = true;
  if (p.kind() === Tk.Comma) {
    potential = false;
    p.next();
  }
  if (p.kind() === Tk.RBrack) {
    p.next();
    return { type: 'array', items: [], loc };
  }
  const m = p.mark();
  const head = parseTerm(p);
  if (head === null) return null;
  if (p.kind() === Tk.RBrack || p.kind() === Tk.Comma) {
    if (p.kind() === Tk.Comma) p.next();
    const items = parseTermList(p, Tk.RBrack, [head]);
    return items === null ? null : { type: 'array', items, loc };
  }
  if (p.kind() === Tk.Or && potential) {
    p.next();
    const body = parseBody(p, Tk.RBrack);
    if (body !== null) return { type: 'arrayComprehension', term: head, body, loc };
    if (p.kind() !== Tk.Comma) return null;
  }
  p.restore(m);
  const items = parseTermList(p, Tk.RBrack, []);
  return items === null ? null : { type: 'array', items, loc };
}

/** `{…}`: object, set, or a set/object comprehension (OPA's parseSetOrObject). */
export function parseSetOrObject(p: Parser): Term | null {
  const loc = p.loc(p.tok);
  p.next();
  if (p.kind() === Tk.RBrace) {
    p.next();
    return { type: 'object', entries: [], loc };
  }
  let potential = true;
  if (p.kind() === Tk.Comma) {
    potential = false;
    p.next();
  }
  const m = p.mark();
  const head = parseTerm(p);
  if (head === null) return null;
  const after = p.kind();
  if ((after === Tk.Or && potential) || after === Tk.RBrace || after === Tk.Comma)
    return parseSet(p, loc, m, head, potential);
  if (after === Tk.Colon) return parseObject(p, loc, head, potential);
  p.restore(m);
  const key = parseTermIn(p, false);
  if (key === null) return null;
  if (p.kind() === Tk.RBrace || p.kind() === Tk.Comma) return parseSet(p, loc, m, key, false);
  if (p.kind() === Tk.Colon) return parseObject(p, loc, key, potential);
  p.unexpected('non-terminated set');
  return null;
}

function parseSet(p: Parser, loc: Loc, m: Mark, head: Term, potential: boolean): Term | null {
  if (p.kind() === Tk.Or && potential) {
    p.next();
    const body = parseBody(p, Tk.RBrace);
    if (body !== null) return { type: 'setComprehension', term: head, body, loc };
    if (p.kind() !== Tk.Comma) return null;
    p.restore(m);
    const items = parseTermList(p, Tk.RBrace, []);
    return items === null ? null : { type: 'set', items, loc };
  }
  if (p.kind() === Tk.Comma) p.next();
  const items = parseTermList(p, Tk.RBrace, [head]);
  return items === null ? null : { type: 'set', items, loc };
}

function parseObject(p: Parser, loc: Loc, key: Term, potential: boolean): Term | null {
  p.next();
  const m = p.mark();
  const value = parseTerm(p);
  if (value === null) return null;
  const after = p.kind();
  if (after === Tk.RBrace || after === Tk.Comma) return parseObjectFinish(p, loc, { key, value }, potential);
  if (after === Tk.Or && potential) {
    const comp = parseObjectFinish(p, loc, { key, value }, true);
    if (comp !== null) return comp;
  }
  p.restore(m);
  const full = parseTermIn(p, false);
  if (full === null) return null;
  if (p.kind() === Tk.RBrace || p.kind() === Tk.Comma) return parseObjectFinish(p, loc, { key, value: full }, false);
  p.unexpected('non-terminated object');
  return null;
}

function parseObjectFinish(p: Parser, loc: Loc, first: ObjectEntry, potential: boolean): Term | null {
  if (p.kind() === Tk.Or) {
    if (!potential) {
      p.unexpected('non-terminated object');
      return null;
    }
    p.next();
    const body = parseBody(p, Tk.RBrace);
    return body === null ? null : { type: 'objectComprehension', key: first.key, value: first.value, body, loc };
  }
  if (p.kind() === Tk.Comma) p.next();
  const entries = parsePairList(p, [first]);
  return entries === null ? null : { type: 'object', entries, loc };
}
