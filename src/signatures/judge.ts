import type { KeyObject } from 'node:crypto';
import type { TrustedKey } from './keys.js';
import { decodeBase64 } from './keys.js';
import { verifiesWith } from './sigstore/keys.js';
import type { Candidate } from './discover.js';
import {
  checkSimpleSigning,
  checkStatement,
  checkStatementReference,
  COSIGN_SIGN_PREDICATE,
  pae,
  parseEnvelope,
  type Statement,
} from './payload.js';
import { checkTlog } from './rekor.js';
import type { BoundKeyless, Content, IdentityRule, Signer, Tlog, TrustLike, Verified } from './types.js';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';

export type Authority =
  | { readonly name: string; readonly kind: 'key'; readonly key: TrustedKey }
  | { readonly name: string; readonly kind: 'keyless'; readonly rule: IdentityRule };

/** A trusted signer as the fact lists it. */
export type VerifiedSigner = Signer & { readonly authority: string };

export type Finding =
  | { readonly kind: 'signature'; readonly signer: VerifiedSigner }
  | { readonly kind: 'attestation'; readonly signer: VerifiedSigner; readonly statement: Statement }
  | { readonly kind: 'rejected'; readonly reason: string };

export interface JudgeContext {
  readonly digest: string;
  /** Set when the policy asks docker-reference to name the image's repository. */
  readonly reference?: string;
  readonly tlog: Tlog;
  readonly authorities: readonly Authority[];
  /** Rekor keys for key-based signatures' SETs; undefined without trust material. */
  readonly trust: TrustLike | undefined;
  /** Undefined when keyless verification is not available: such candidates are not verified. */
  readonly keyless: BoundKeyless | undefined;
}

const rejected = (from: string, reason: string): Finding => ({ kind: 'rejected', reason: `${from}: ${reason}` });

function keyAuthorities(ctx: JudgeContext): (Authority & { kind: 'key' })[] {
  return ctx.authorities.filter((a): a is Authority & { kind: 'key' } => a.kind === 'key');
}

function describeRule(rule: IdentityRule): string {
  return `${rule.subject ?? rule.subjectRegExp ?? '?'} (issuer ${rule.issuer ?? rule.issuerRegExp ?? '?'})`;
}

/**
 * The content a verified signature vouches for, judged: a signature of the digest (cosign's
 * simple-signing payload, or cosign 3's in-toto statement of COSIGN_SIGN_PREDICATE), or an
 * attestation about it. Both name the judged digest, or count for nothing.
 */
function judgeContent(from: string, content: Content, signer: VerifiedSigner, ctx: JudgeContext): Finding {
  switch (content.kind) {
    case 'message': {
      const wrong = checkSimpleSigning({
        payload: content.payload,
        digest: ctx.digest,
        ...(ctx.reference === undefined ? {} : { repository: ctx.reference }),
      });
      return wrong === undefined ? { kind: 'signature', signer } : rejected(from, wrong);
    }
    case 'dsse': {
      const statement = checkStatement({
        payloadType: content.payloadType,
        payload: content.payload,
        digest: ctx.digest,
      });
      if (typeof statement === 'string') return rejected(from, statement);
      if (statement.predicateType !== COSIGN_SIGN_PREDICATE) return { kind: 'attestation', signer, statement };
      const wrong =
        ctx.reference === undefined
          ? undefined
          : checkStatementReference({ payload: content.payload, digest: ctx.digest, repository: ctx.reference });
      return wrong === undefined ? { kind: 'signature', signer } : rejected(from, wrong);
    }
  }
}

/** Maps a Sigstore-verified signer to a policy authority: a key by its name, an identity by the first rule it meets. */
function authorityOf(
  from: string,
  signer: Signer,
  ctx: JudgeContext,
  keyless: BoundKeyless,
): { readonly ok: true; readonly signer: VerifiedSigner } | { readonly ok: false; readonly finding: Finding } {
  if (signer.kind === 'key')
    return { ok: true, signer: { authority: signer.authority, kind: 'key', fingerprint: signer.fingerprint } };
  const rules = ctx.authorities.filter((a): a is Authority & { kind: 'keyless' } => a.kind === 'keyless');
  const reasons: string[] = [];
  for (const a of rules) {
    const m = keyless.matchIdentity(signer, a.rule);
    if (m.ok) {
      const { issuer, subject, claims } = signer;
      return { ok: true, signer: { authority: a.name, kind: 'identity', issuer, subject, claims } };
    }
    reasons.push(m.reason);
  }
  const finding = rejected(
    from,
    rules.length === 0
      ? `signed, but by ${signer.subject} (issuer ${signer.issuer}), and this policy trusts keys only`
      : (reasons[0] ??
          `signed, but by ${signer.subject}, not by the required ${rules.map((r) => describeRule(r.rule)).join(' or ')}`),
  );
  return { ok: false, finding };
}

function fromVerified(from: string, v: Verified, ctx: JudgeContext, keyless: BoundKeyless): Finding {
  if (!v.ok) return rejected(from, v.reason);
  const who = authorityOf(from, v.signer, ctx, keyless);
  return who.ok ? judgeContent(from, v.content, who.signer, ctx) : who.finding;
}

/** A key-based cosign layer: the policy's keys only, never a key or certificate the artifact carries. */
function judgeKeyLayer(from: string, c: Candidate & { kind: 'layer' }, ctx: JudgeContext): Finding {
  const { layer } = c;
  const keys = keyAuthorities(ctx);
  if (keys.length === 0) return rejected(from, 'signed with a key, and this policy trusts keyless identities only');
  let signed: Uint8Array;
  let content: Content;
  let signatures: readonly Buffer[];
  if (layer.mediaType === DSSE_ENVELOPE) {
    const env = parseEnvelope(layer.payload);
    if (env === undefined) return rejected(from, 'its layer is not a DSSE envelope');
    signed = pae(env.payloadType, env.payload);
    content = { kind: 'dsse', payloadType: env.payloadType, payload: env.payload };
    signatures = env.signatures;
  } else if (layer.mediaType === SIMPLE_SIGNING) {
    const sig = decodeBase64(layer.signature);
    if (sig === undefined) return rejected(from, 'it has no base64 signature annotation');
    signed = layer.payload;
    content = { kind: 'message', payload: layer.payload };
    signatures = [sig];
  } else {
    return rejected(from, `its layer type ${layer.mediaType.slice(0, 80)} is not a cosign signature or attestation`);
  }
  for (const a of keys) {
    const signature = signatures.find((s) => verifiesWith(signed, s, a.key.key));
    if (signature === undefined) continue;
    const tlog = checkTlog({
      tlog: ctx.tlog,
      bundle: layer.rekorBundle,
      trust: ctx.trust,
      claim: {
        signed: content.kind === 'dsse' ? content.payload : layer.payload,
        signature,
        fingerprint: a.key.fingerprint,
        envelope: content.kind,
      },
    });
    if (!tlog.ok) return rejected(from, `signed by ${a.name}, but ${tlog.reason}`);
    return judgeContent(from, content, { authority: a.name, kind: 'key', fingerprint: a.key.fingerprint }, ctx);
  }
  return rejected(
    from,
    `signed, but not with the key of any required authority (${keys.map((k) => k.name).join(', ')})`,
  );
}

const UNAVAILABLE = 'not verified: keyless verification unavailable';

/** Judges one stored signature or attestation against the policy. */
export function judgeCandidate(c: Candidate, ctx: JudgeContext): Finding {
  const { keyless } = ctx;
  if (c.kind === 'bundle') {
    if (keyless === undefined) return rejected(c.from, UNAVAILABLE);
    const keys = new Map<string, KeyObject>(keyAuthorities(ctx).map((a) => [a.name, a.key.key]));
    return fromVerified(c.from, keyless.bundle({ bundle: c.bundle, tlog: ctx.tlog, keys }), ctx, keyless);
  }
  if (c.layer.certificate === undefined) return judgeKeyLayer(c.from, c, ctx);
  if (keyless === undefined) return rejected(c.from, UNAVAILABLE);
  return fromVerified(c.from, keyless.layer({ layer: c.layer, tlog: ctx.tlog }), ctx, keyless);
}
