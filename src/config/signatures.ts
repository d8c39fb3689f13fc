import type { SignatureAuthorityConfig, SignaturePolicyConfig, SignaturesConfig } from './types.js';

function exactlyOne(at: string, a: [string, unknown], b: [string, unknown]): string[] {
  if ((a[1] === undefined) !== (b[1] === undefined)) return [];
  return [`${at}: set exactly one of ${a[0]} and ${b[0]}`];
}

function regExpProblem(at: string, text: string | undefined): string[] {
  if (text === undefined) return [];
  try {
    new RegExp(`^(?:${text})$`, 'u');
    return [];
  } catch (err) {
    return [`${at}: ${JSON.stringify(text.slice(0, 80))} is not a valid regular expression (${String(err)})`];
  }
}

function authorityProblems(a: SignatureAuthorityConfig, at: string): string[] {
  const problems = exactlyOne(at, ['key', a.key], ['keyless', a.keyless]);
  if (a.key !== undefined) problems.push(...exactlyOne(`${at}/key`, ['file', a.key.file], ['pem', a.key.pem]));
  const k = a.keyless;
  if (k !== undefined) {
    problems.push(
      ...exactlyOne(`${at}/keyless`, ['issuer', k.issuer], ['issuerRegExp', k.issuerRegExp]),
      ...exactlyOne(`${at}/keyless`, ['subject', k.subject], ['subjectRegExp', k.subjectRegExp]),
      ...regExpProblem(`${at}/keyless/issuerRegExp`, k.issuerRegExp),
      ...regExpProblem(`${at}/keyless/subjectRegExp`, k.subjectRegExp),
    );
  }
  return problems;
}

function policyProblems(p: SignaturePolicyConfig, at: string, hasTrust: boolean): string[] {
  const problems = p.authorities.flatMap((a, i) => authorityProblems(a, `${at}/authorities/${i}`));
  const names = p.authorities.map((a) => a.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined)
    problems.push(
      `${at}/authorities: the name ${JSON.stringify(twice)} is used twice; give each authority its own name`,
    );
  if (p.threshold > p.authorities.length)
    problems.push(
      `${at}/threshold (${p.threshold}) is more than the ${p.authorities.length} authorities listed: no image could ever meet it; lower it or add authorities`,
    );
  const keyless = p.authorities.some((a) => a.keyless !== undefined);
  if (!hasTrust && (keyless || p.tlog !== 'ignore'))
    problems.push(
      `${at}: ${keyless ? 'keyless authorities' : `tlog: ${p.tlog}`} need Sigstore trust material: set /signatures/trustedRootFile (or /signatures/tuf)${keyless ? '' : ', or tlog: ignore'}`,
    );
  return problems;
}

/** Checks of the signatures section the schema cannot express; each names the key and the fix. */
export function signatureProblems(s: SignaturesConfig): string[] {
  const hasTrust = s.trustedRootFile !== undefined || s.tuf !== undefined;
  return s.policies.flatMap((p, i) => policyProblems(p, `/signatures/policies/${i}`, hasTrust));
}
