import type { Loc, Rule } from './ast.js';
import { operatorName } from './build.js';
import type { RegoError } from './errors.js';
import type { RuleSyntax } from './rules.js';
import { BASE_KEYWORDS, FUTURE_KEYWORDS } from './tokens.js';
import { walkTerms } from './walk.js';
import { DEPRECATED_BUILTINS } from '../catalogue/index.js';

const KEYWORDS_V1: ReadonlySet<string> = new Set([...BASE_KEYWORDS, ...FUTURE_KEYWORDS]);

function parseError(message: string, loc: Loc): RegoError {
  return { code: 'rego_parse_error', message, loc };
}

/**
 * OPA's CheckRegoV1 rule checks, applied to v1 modules and to v0 modules importing `rego.v1`:
 * no keyword as rule name, a value or body on every rule, `if` before every body, `contains`
 * for partial sets. Messages and locations are OPA's.
 */
export function checkRegoV1Rules(syntax: readonly RuleSyntax[]): RegoError[] {
  return syntax.flatMap(checkRule);
}

function checkRule(s: RuleSyntax): RegoError[] {
  const { rule } = s;
  const errors: RegoError[] = [];
  const what = rule.kind === 'function' ? 'function' : 'rule';
  const [name] = rule.head.ref;
  if (rule.head.ref.length < 2 && KEYWORDS_V1.has(name.name)) {
    errors.push(parseError(`${name.name} keyword cannot be used for rule name`, rule.loc));
  }
  if (rule.kind === 'single' && !rule.isDefault && rule.head.value === null && rule.body === null) {
    errors.push(parseError(`${what} must have value assignment and/or body declaration`, rule.loc));
  }
  if (rule.body !== null && !s.hasIf && !rule.isDefault) {
    errors.push(parseError(`\`if\` keyword is required before ${what} body`, rule.loc));
  }
  if (rule.kind === 'multi' && !s.usesContains) {
    errors.push(parseError('`contains` keyword is required for partial set rules', rule.loc));
  }
  rule.else.forEach((clause, i) => {
    if (clause.body !== null && s.elseHasIf[i] !== true) {
      errors.push(parseError(`\`if\` keyword is required before ${what} body`, clause.loc));
    }
  });
  return errors;
}

/**
 * Calls to deprecated built-ins are errors in v1 (OPA: rego_type_error "deprecated built-in
 * function calls in expression: any"). A function of the same name defined in the module
 * shadows the built-in and is not reported.
 */
export function checkDeprecatedBuiltins(rules: readonly Rule[]): RegoError[] {
  const defined = new Set(rules.map((r) => r.head.ref[0].name));
  const errors: RegoError[] = [];
  for (const rule of rules) {
    walkTerms(rule, (t) => {
      if (t.type !== 'call') return;
      const name = operatorName(t.operator);
      if (name === null || !DEPRECATED_BUILTINS.has(name) || defined.has(name.split('.')[0] ?? name)) return;
      errors.push({
        code: 'rego_type_error',
        message: `deprecated built-in function calls in expression: ${name}`,
        loc: t.loc,
      });
    });
  }
  return errors;
}
