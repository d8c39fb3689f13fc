import { assertNever, type Rule, type Term } from './ast.js';
import { valueName } from './build.js';
import type { Parser } from './parser-core.js';

/**
 * OPA's default-rule checks: a value is required and must be constant (no vars, refs or calls
 * outside comprehensions); function arguments must be distinct vars. Errors point at `default`.
 */
export function validateDefaultRule(p: Parser, rule: Rule, hasKey: boolean): boolean {
  const { value, args, ref } = rule.head;
  if (hasKey || (value === null && ref.length === 2 && args === null)) {
    p.error(rule.loc, 'illegal default rule (must have a value)');
    return false;
  }
  const bad = value === null ? null : nonConstant(value);
  if (bad !== null) {
    p.error(rule.loc, `illegal default rule (value cannot contain ${bad})`);
    return false;
  }
  return args === null || validateArgs(p, rule, args);
}

function validateArgs(p: Parser, rule: Rule, args: readonly Term[]): boolean {
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg.type !== 'var') {
      p.error(rule.loc, `illegal default rule (arguments cannot contain ${valueName(arg)})`);
      return false;
    }
    if (arg.name !== '_' && seen.has(arg.name)) {
      p.error(rule.loc, `illegal default rule (arguments cannot be repeated ${arg.name})`);
      return false;
    }
    seen.add(arg.name);
  }
  return true;
}

/** The first var/ref/call found outside comprehensions, or null when the term is constant. */
function nonConstant(t: Term): 'var' | 'ref' | 'call' | null {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
    case 'arrayComprehension':
    case 'setComprehension':
    case 'objectComprehension':
      return null;
    case 'var':
    case 'ref':
    case 'call':
      return t.type;
    case 'array':
    case 'set':
      return firstOf(t.items);
    case 'object':
      return firstOf(t.entries.flatMap((e) => [e.key, e.value]));
    case 'templateString':
      return firstOf(t.parts.map((part) => (part.type === 'string' ? part : part.term)));
    default:
      return assertNever(t);
  }
}

function firstOf(terms: readonly Term[]): 'var' | 'ref' | 'call' | null {
  for (const t of terms) {
    const bad = nonConstant(t);
    if (bad !== null) return bad;
  }
  return null;
}
