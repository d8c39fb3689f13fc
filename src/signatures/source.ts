import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { coversRepository, type SignaturesConfig } from '../config/index.js';
import { errorMessage } from '../errors/index.js';
import type { FactAnswer, FactSource } from '../facts/index.js';
import { parseDigest, type Digest } from '../images/index.js';
import type { ArtifactReader, ArtifactTarget } from '../registry/index.js';
import { discover } from './discover.js';
import { signatureError } from './errors.js';
import { judgeCandidate, type JudgeContext, type VerifiedSigner } from './judge.js';
import { loadPolicies, type Policy } from './policy.js';
import { sigstoreTrustFromJson, type SigstoreTrust } from './sigstore/trust.js';
import { verifyBundle, verifyKeylessLayer } from './sigstore/verify.js';
import { matchIdentity } from './sigstore/identity.js';
import { bindKeyless, type BoundKeyless, type KeylessVerifier, type TrustLike } from './types.js';
import { tally, type VerifiedAttestation } from './verdict.js';

/** The signatures fact of one image, as the policy sees it at `input.images[_].facts.signatures`. */
export interface SignaturesFact {
  /** Whether a `signatures.policies` entry covers the repository; false: nothing else is checked. */
  readonly required: boolean;
  /** The repository pattern of the policy applied; null when none covers the image. */
  readonly policy: string | null;
  readonly threshold: number;
  readonly verified: readonly VerifiedSigner[];
  readonly attestations: readonly VerifiedAttestation[];
  readonly satisfied: boolean;
  /** Why it is not satisfied, in a developer's words; empty when satisfied. */
  readonly failures: readonly string[];
}

export interface SignatureSourceOptions<T extends TrustLike> {
  /** The validated `signatures` section; key files are read now. */
  readonly config: SignaturesConfig;
  /** The registry room's reader (trusted hosts only). */
  readonly artifacts: ArtifactReader;
  /**
   * Sigstore trust material (loadSigstoreTrust, which also reads the TUF mirror of
   * `signatures.tuf`); default: `signatures.trustedRootFile` read now, or none.
   */
  readonly trust?: T;
  /**
   * Keyless and bundle verification for `trust`; default: the Sigstore verifier (sigstore/) when the
   * trust material is a full trusted root. Without either, such signatures are "not verified:
   * keyless verification unavailable".
   */
  readonly keyless?: KeylessVerifier<T>;
  readonly readFile?: (file: string) => Uint8Array;
}

/** One lookup: the image's repository, and how its registry reads go (deadline, pull secrets). */
interface Job {
  readonly repository: string;
  readonly target: Omit<ArtifactTarget, 'repository'>;
}

const NOT_REQUIRED: SignaturesFact = {
  required: false,
  policy: null,
  threshold: 0,
  verified: [],
  attestations: [],
  satisfied: true,
  failures: [],
};

/** The Sigstore verifier of sigstore/, as the keyless dependency of a source. */
const SIGSTORE: KeylessVerifier<SigstoreTrust> = { verifyKeylessLayer, verifyBundle, matchIdentity };

function defaultTrust(config: SignaturesConfig, read: (f: string) => Uint8Array): SigstoreTrust | undefined {
  const file = config.trustedRootFile;
  if (file === undefined && config.tuf !== undefined)
    throw signatureError(
      'config',
      'signatures.tuf is set but the trust material was not loaded with loadSigstoreTrust; set signatures.trustedRootFile too',
    );
  if (file === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = read(file);
  } catch (err) {
    throw signatureError(
      'config',
      `cannot read signatures.trustedRootFile ${JSON.stringify(file)}: ${errorMessage(err)}`,
    );
  }
  return sigstoreTrustFromJson(bytes);
}

function boundVerifier<T extends TrustLike>(
  opts: SignatureSourceOptions<T>,
  own: SigstoreTrust | undefined,
): BoundKeyless | undefined {
  if (opts.trust !== undefined && opts.keyless !== undefined) return bindKeyless(opts.keyless, opts.trust);
  const full = own ?? (opts.trust !== undefined && isSigstoreTrust(opts.trust) ? opts.trust : undefined);
  return full === undefined ? undefined : bindKeyless(SIGSTORE, full);
}

/** Trust material with everything keyless verification needs (a whole trusted root), not only Rekor keys. */
function isSigstoreTrust(trust: TrustLike): trust is SigstoreTrust {
  return 'material' in trust && typeof trust.material === 'object' && trust.material !== null;
}

/**
 * The `signatures` fact source: for an image whose repository a `signatures.policies` entry
 * covers (the first one), the verified signers and attestations of the judged digest and whether
 * they meet the policy. Multi-arch rule: the judged digest itself must meet the policy (a signed
 * platform manifest never stands in for its index); with `multiArch: index-and-platforms`, every
 * manifest a judged index lists directly must meet the signature threshold too.
 * @throws ImagegateError IMAGEGATE_SIGNATURES_CONFIG_INVALID (keys, trusted root)
 */
export function createSignatureSource<T extends TrustLike>(opts: SignatureSourceOptions<T>): FactSource {
  const { config, artifacts } = opts;
  const read = opts.readFile ?? ((f: string) => readFileSync(f));
  const policies = loadPolicies(config.policies, read);
  const own = opts.trust === undefined ? defaultTrust(config, read) : undefined;
  const trust: TrustLike | undefined = opts.trust ?? own;
  const keyless = boundVerifier(opts, own);
  const revision = createHash('sha256')
    .update(
      JSON.stringify({
        trust: trust?.revision ?? null,
        keyless: keyless !== undefined,
        limits: config.limits,
        ttl: config.cacheTtlMs,
        policies: policies.map((p) => p.fingerprint),
      }),
    )
    .digest('hex')
    .slice(0, 16);

  async function judgeDigest(p: Policy, job: Job, digest: Digest, attest: boolean) {
    const { repository } = job;
    const candidates = await discover({
      reader: artifacts,
      repository: p.config.signaturesRepository ?? repository,
      digest,
      limits: config.limits,
      target: job.target,
    });
    const ctx: JudgeContext = {
      digest,
      tlog: p.config.tlog,
      authorities: p.authorities,
      trust,
      keyless,
      ...(p.config.matchReference ? { reference: repository } : {}),
    };
    return tally({
      digest,
      findings: candidates.map((c) => judgeCandidate(c, ctx)),
      threshold: p.config.threshold,
      predicateTypes: attest ? p.config.attestations.map((a) => a.predicateType) : [],
    });
  }

  async function platforms(p: Policy, job: Job, digest: Digest): Promise<string[]> {
    if (p.config.multiArch !== 'index-and-platforms') return [];
    const m = await artifacts.manifest({
      ...job.target,
      repository: job.repository,
      reference: digest,
      maxEntries: config.limits.maxReferrers,
    });
    const children = m?.manifests ?? [];
    const judged = await Promise.all(children.map((c) => judgeDigest(p, job, c.digest, false)));
    return judged.flatMap((t, i) =>
      t.satisfied ? [] : [`platform manifest ${children[i]?.digest ?? '?'} of the index: ${t.failures.join('; ')}`],
    );
  }

  return {
    name: 'signatures',
    revision,
    ttlMs: config.cacheTtlMs,
    async lookup({ digest: text, repository, signal, pullCredentials }): Promise<FactAnswer> {
      const digest = parseDigest(text);
      const p = policies.find((q) => q.config.repositories.some((r) => coversRepository(r, repository)));
      if (p === undefined) return { value: NOT_REQUIRED };
      const job: Job = {
        repository,
        target: { signal, ...(pullCredentials === undefined ? {} : { pullCredentials }) },
      };
      const [own, children] = await Promise.all([judgeDigest(p, job, digest, true), platforms(p, job, digest)]);
      const failures = [...own.failures, ...children];
      const fact: SignaturesFact = {
        required: true,
        policy: p.config.repositories.find((r) => coversRepository(r, repository)) ?? null,
        threshold: p.config.threshold,
        verified: own.verified,
        attestations: own.attestations,
        satisfied: failures.length === 0,
        failures,
      };
      return { value: fact };
    },
  };
}
