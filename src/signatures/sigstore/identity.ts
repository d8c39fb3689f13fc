import { RE2JS } from 're2js';
import { errorMessage } from '../../errors/index.js';
import type { Signer } from './verify.js';

/** Who must have signed: the OIDC issuer and subject of a keyless (Fulcio) certificate. */
export interface IdentityRule {
  readonly issuer?: string;
  readonly issuerRegExp?: string; // exactly one of the two
  readonly subject?: string;
  readonly subjectRegExp?: string; // exactly one; regexps anchored (^…$ implied)
  readonly claims?: Readonly<Record<string, string>>; // exact values of Signer.claims, e.g. githubWorkflowRef
}

export type IdentityMatch = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether a verified signer is the identity the rule requires. Regular expressions have RE2
 * syntax and semantics (Go's regexp, as cosign's --certificate-identity-regexp) and must match the
 * whole value: `https://github.com/acme/.*` does not accept `https://github.com/acme-evil/x`
 * prefixed by nothing, and an unanchored `acme` cannot match `evil/acme/x`. They run in linear
 * time (re2js), so a config pattern cannot hang the event loop on a long subject. A rule that is
 * not valid (see identityRuleProblem) matches nothing.
 */
export function matchIdentity(signer: Signer, rule: IdentityRule): IdentityMatch {
  const problem = identityRuleProblem(rule);
  if (problem !== undefined) return { ok: false, reason: `the identity rule is invalid: ${problem}` };
  const required = describeRule(rule);
  switch (signer.kind) {
    case 'key':
      return {
        ok: false,
        reason: `signed, but with the key ${signer.authority} (${signer.fingerprint}), not by the required ${required}`,
      };
    case 'identity': {
      const by = `${signer.issuer} ${signer.subject}`;
      if (!valueMatches(signer.issuer, rule.issuer, rule.issuerRegExp)) {
        return { ok: false, reason: `signed, but by ${by}, not by the required ${required} (the issuer differs)` };
      }
      if (!valueMatches(signer.subject, rule.subject, rule.subjectRegExp)) {
        return { ok: false, reason: `signed, but by ${by}, not by the required ${required} (the subject differs)` };
      }
      for (const [name, want] of Object.entries(rule.claims ?? {})) {
        const got = Object.hasOwn(signer.claims, name) ? signer.claims[name] : undefined;
        if (got !== want) {
          const found = got === undefined ? 'the certificate has no such claim' : `it has ${name}=${got}`;
          return {
            ok: false,
            reason: `signed, but by ${by}, not by the required ${required} (${name} must be ${want}; ${found})`,
          };
        }
      }
      return { ok: true };
    }
  }
}

/**
 * Why a rule is not usable (for config validation), or undefined: exactly one of issuer and
 * issuerRegExp, exactly one of subject and subjectRegExp, and regexps that RE2 compiles.
 */
export function identityRuleProblem(rule: IdentityRule): string | undefined {
  for (const [exact, re, name] of [
    [rule.issuer, rule.issuerRegExp, 'issuer'],
    [rule.subject, rule.subjectRegExp, 'subject'],
  ] as const) {
    if ((exact === undefined) === (re === undefined)) {
      return `expected exactly one of ${name} and ${name}RegExp, found ${exact === undefined ? 'neither' : 'both'}`;
    }
    if (re !== undefined) {
      const compiled = compile(re);
      if (typeof compiled === 'string') return `${name}RegExp ${JSON.stringify(re)} is not an RE2 pattern: ${compiled}`;
    }
  }
  return undefined;
}

function valueMatches(value: string, exact: string | undefined, re: string | undefined): boolean {
  if (exact !== undefined) return value === exact;
  if (re === undefined) return false;
  const compiled = compile(re);
  return typeof compiled !== 'string' && compiled.matches(value);
}

function describeRule(rule: IdentityRule): string {
  const part = (exact: string | undefined, re: string | undefined): string =>
    exact ?? (re === undefined ? '?' : `matching ^${re}$`);
  const claims = Object.entries(rule.claims ?? {}).map(([k, v]) => `${k}=${v}`);
  const withClaims = claims.length === 0 ? '' : ` with ${claims.join(', ')}`;
  return `${part(rule.issuer, rule.issuerRegExp)} ${part(rule.subject, rule.subjectRegExp)}${withClaims}`;
}

/** Compiled patterns by source; bounded, since patterns come from the config (a few dozen). */
const compiled = new Map<string, RE2JS>();
const MAX_COMPILED = 256;

/** The compiled pattern, or why it does not compile. */
function compile(pattern: string): RE2JS | string {
  const hit = compiled.get(pattern);
  if (hit !== undefined) return hit;
  try {
    const re = RE2JS.compile(pattern);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, re);
    return re;
  } catch (err) {
    return errorMessage(err);
  }
}
