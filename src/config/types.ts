/** Validated, defaulted and frozen configuration. See README.md "Configuration" for each key. */
export interface TlsConfig {
  /** PEM serving certificate; when absent with keyFile, a dev CA and cert are generated. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** When set, clients must present a certificate issued by this CA (mTLS). */
  readonly clientCAFile?: string;
  /** Where generated dev certificates go (default "certs"). */
  readonly generatedDir: string;
  /** How often cert/key files are checked for changes, in ms (default 1000). */
  readonly reloadIntervalMs: number;
  /** A TLS handshake not finished by then is dropped (ms, default 5000; Node's own is 120 s). */
  readonly handshakeTimeoutMs: number;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  /** Headers not complete this long after a request starts (or a connection is handshaken) drop it (ms). */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection between two requests is closed after this (ms). */
  readonly keepAliveTimeoutMs: number;
  /** Open connections at once, handshaking ones included; more are closed on accept (default 512). */
  readonly maxConnections: number;
  readonly maxJsonDepth: number;
  /** Bodies larger than this are parsed in a parser thread, off the event loop (bytes, default 256 KiB). */
  readonly parseInWorkerAboveBytes: number;
  /** Bytes of bodies waiting for or in the parser threads at once; past it, 503 (default 32 MiB, at least bodyLimitBytes). */
  readonly maxParsingBytes: number;
  /** Reviews in progress at once; past it, 503 (default 512). */
  readonly maxConcurrentReviews: number;
  /**
   * After SIGTERM, how long the server keeps answering reviews, new ones included, while
   * /readyz says 503, so the endpoints controller removes the pod before it stops accepting
   * (ms, default 10000; 0: stop accepting at once). In-flight reviews then finish.
   */
  readonly drainMs: number;
  readonly tls: TlsConfig;
}

export type FailurePolicy = 'Fail' | 'Ignore';

export interface AdmissionConfig {
  /** What /validate answers when it cannot decide: Fail denies (default), Ignore allows. */
  readonly failurePolicy: FailurePolicy;
  /** More images than this in one object are denied without evaluation (default 1000). */
  readonly maxImages: number;
  /** Subtracted from the API server's ?timeout= so we answer before it gives up (ms). */
  readonly deadlineMarginMs: number;
  /** Deadline when the request carries no valid ?timeout= (ms, default 10000 as Kubernetes). */
  readonly defaultTimeoutMs: number;
  /** Floor of ?timeout= (ms, default 1000: the API server's least timeoutSeconds). */
  readonly minTimeoutMs: number;
  /** Ceiling of ?timeout= (ms, default 30000: the API server's greatest); server timeouts derive from it. */
  readonly maxTimeoutMs: number;
  readonly namespaceLabels: NamespaceLabelsConfig;
}

/**
 * `input.request.namespaceLabels` for policies, read from the Kubernetes API (RBAC get on
 * namespaces) at the API server, token and CA of registries.pullSecrets.apiServer/tokenFile/caFile.
 */
export interface NamespaceLabelsConfig {
  /** Read the labels (default false: the input has neither namespaceLabels nor namespaceLabelsError). */
  readonly enabled: boolean;
  /** How long one namespace's labels (or a 403/404) are reused (ms, default 5000; 0 reads every review). */
  readonly cacheTtlMs: number;
  /** Deadline of one read (ms, default 1000); the review's own deadline also applies. */
  readonly timeoutMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface PolicyConfig {
  /** An OPA bundle (bundle.tar.gz with /policy.wasm). Absent (and no dir): the policies shipped in policies/. */
  readonly bundle?: string;
  /** A directory of .rego and data files compiled at start-up (tests left out); never together with bundle. */
  readonly dir?: string;
  /** The entrypoint evaluated, "pkg/rule" as in `opa build -e` (default imagegate/decision). */
  readonly entrypoint: string;
  /** Laid over the bundle's data, winning on conflicts (e.g. imagegate.config.trusted_registries). */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Policy evaluator threads, each deciding one review at a time (1..64, default one per core, at most 64). */
  readonly evaluators: number;
  /** Reviews that may wait for a free evaluator; past it a review is undecided at once (IMAGEGATE_POLICY_QUEUE_FULL, default 1024). */
  readonly maxQueued: number;
  /** Bounds of the verdict cache; any of them 0 turns it off. */
  readonly verdictCache: VerdictCacheConfig;
}

/** policy.verdictCache: allow/deny verdicts kept by review key (src/policy/verdict-cache.ts). */
export interface VerdictCacheConfig {
  /** Verdicts kept at most (default 10000). */
  readonly maxEntries: number;
  /** Approximate bytes of keys and verdicts kept at most (default 16 MiB). */
  readonly maxBytes: number;
  /** Longest a verdict is reused, in ms, whatever its evidence allows (default 60000). */
  readonly maxTtlMs: number;
}

/** Static credentials for one registry; exactly one of password and passwordFile is set. */
export interface RegistryCredentialsConfig {
  readonly username: string;
  readonly password?: string;
  /** A file whose content (trailing newline trimmed) is the password, read at start-up. */
  readonly passwordFile?: string;
}

/** One trusted registry. Images on hosts no entry names are never contacted. */
export interface RegistryHostConfig {
  /** `host[:port]` as images name it; matched exactly after lowercasing (port kept). */
  readonly host: string;
  /** PEM CA bundle trusted for this registry instead of the system store. */
  readonly caFile?: string;
  readonly credentials?: RegistryCredentialsConfig;
  /** Requests in flight to this host at once (default 8). */
  readonly maxConcurrency: number;
  /** Overall deadline of one tag lookup, all requests and retries included (ms, default 5000). */
  readonly timeoutMs: number;
  /** Plain HTTP instead of HTTPS; only for hosts explicitly marked (default false). */
  readonly insecure: boolean;
  /** Other `host[:port]`s that redirects and the token realm may point to (default none). */
  readonly allowedHosts: readonly string[];
  /**
   * Token realm `host[:port]`s, besides the registry's own host, that may receive this host's
   * credentials (static or pull-secret) when fetching a token, e.g. auth.docker.io for docker.io.
   * Listing a host here also allows it as a realm. Default none: other realms get anonymous requests.
   */
  readonly credentialRealms: readonly string[];
  /**
   * Path prefixes under `host` that are trusted (whole segments: `acme` covers acme/app, not
   * acme-evil/app); absent: the whole host. Images elsewhere on the host are never contacted and
   * are not in the policy's trusted list (trustedRepositories).
   */
  readonly repositories?: readonly string[];
}

/** Resolve repositories under `from` (e.g. docker.io/library) at `to` (e.g. mirror.example.com/hub). */
export interface RegistryMirrorConfig {
  readonly from: string;
  readonly to: string;
  /** /mutate rewrites images under `from` to `to`, pinned there (default false: the mirrors rule only denies). */
  readonly rewrite: boolean;
}

/** The tag-hygiene rule's settings (data.imagegate.config.tags). */
export interface TagsConfig {
  /** Every image as written (after /mutate) must carry a digest (default false). */
  readonly requireDigest: boolean;
}

/** Reading imagePullSecrets through the Kubernetes API (needs RBAC get on secrets and serviceaccounts). */
export interface PullSecretsConfig {
  /** Use the pod's and its service account's imagePullSecrets (default false). */
  readonly enabled: boolean;
  /** `https://host:port` of the API server; default from KUBERNETES_SERVICE_HOST/PORT. */
  readonly apiServer?: string;
  /** Service account token, re-read whenever the file changes (bound tokens rotate). */
  readonly tokenFile: string;
  /** CA bundle of the API server, read at start-up. */
  readonly caFile: string;
  /** How long a secret, service account, or 404/403 answer is reused (ms, default 10000). */
  readonly cacheTtlMs: number;
  /** Deadline of one API read (ms, default 2000). */
  readonly timeoutMs: number;
}

export interface RegistriesConfig {
  readonly hosts: readonly RegistryHostConfig[];
  readonly mirrors: readonly RegistryMirrorConfig[];
  /** How long a resolved tag→digest is reused (ms, default 30000). */
  readonly cacheTtlMs: number;
  /** How long a failed lookup is remembered, separately from successes (ms, default 5000). */
  readonly failureTtlMs: number;
  readonly cacheMaxEntries: number;
  /** A manifest or index larger than this is refused (bytes, default 4 MiB). */
  readonly maxManifestBytes: number;
  /** An index listing more manifests than this is refused (default 1024). */
  readonly maxIndexEntries: number;
  /**
   * Address ranges (CIDR, or a bare address) registries may never resolve to; replaces the
   * default list (metadata, link-local, CGNAT, multicast, reserved). IPv4-mapped IPv6 forms of
   * IPv4 ranges are matched too. Loopback and private ranges are allowed unless listed.
   */
  readonly blockedCidrs: readonly string[];
  readonly pullSecrets: PullSecretsConfig;
}

/** Upper age limits in days of the health bands B..E of one severity; a band left out is skipped. */
export interface SeverityBandsConfig {
  readonly B?: number;
  readonly C?: number;
  readonly D?: number;
  readonly E?: number;
}

export type HealthSourceKind = 'pyxis' | 'clair' | 'quay' | 'static';

/**
 * One grade source for the repositories its patterns cover (the first entry covering an image
 * grades it). Which keys each kind takes is checked in relations.ts.
 */
export interface HealthSourceConfig {
  readonly kind: HealthSourceKind;
  /** Names the source in the fact (`source`) and in messages; default the kind. */
  readonly name?: string;
  /** `*` or repository prefixes `host[:port][/path]`, matched at whole segments. */
  readonly repositories: readonly string[];
  /** Base URL: pyxis (default https://catalog.redhat.com/api/containers), clair, quay (required). The only host contacted. */
  readonly url?: string;
  /** PEM CA bundle for `url` instead of the system store. */
  readonly caFile?: string;
  /** quay: a robot account, sent as HTTP Basic to `url` only. */
  readonly credentials?: RegistryCredentialsConfig;
  /** clair: the pre-shared key file (base64, as Clair's auth.psk.key) and the issuer Clair accepts. */
  readonly psk?: { readonly keyFile: string; readonly issuer: string };
  /** static: the grades file (YAML or JSON), read at start-up. */
  readonly file?: string;
}

export interface HealthConfig {
  readonly sources: readonly HealthSourceConfig[];
  /** Longest a grade is reused (ms, default 6 h); a scheduled drop ends it sooner. */
  readonly ttlMs: number;
  /** Deadline of one grade lookup, all its pages included (ms, default 3000); the review's deadline also applies. */
  readonly timeoutMs: number;
  /** A source's answer larger than this is refused (bytes, default 8 MiB). */
  readonly maxResponseBytes: number;
  readonly bands: { readonly critical: SeverityBandsConfig; readonly important: SeverityBandsConfig };
}

/** Hot reload of the config file and the policy bundle or directory (src/cli/reload.ts). */
export interface ReloadConfig {
  /** How often their content hashes are compared (ms, default 2000; 0: never reload). */
  readonly intervalMs: number;
}

/** A public key of a signing authority: PEM (PKIX, as `cosign.pub`) from a file or inline. */
export interface SignatureKeyConfig {
  readonly file?: string;
  readonly pem?: string;
}

/** A keyless signing identity: issuer and subject, each exact or an anchored regular expression. */
export interface SignatureIdentityConfig {
  readonly issuer?: string;
  readonly issuerRegExp?: string;
  readonly subject?: string;
  readonly subjectRegExp?: string;
  /** Exact values of Fulcio certificate extensions by short name, e.g. githubWorkflowRef. */
  readonly claims?: Readonly<Record<string, string>>;
}

/** One trusted signer: exactly one of `key` and `keyless` (relations.ts). */
export interface SignatureAuthorityConfig {
  readonly name: string;
  readonly key?: SignatureKeyConfig;
  readonly keyless?: SignatureIdentityConfig;
}

export type TlogMode = 'required' | 'optional' | 'ignore';
export type MultiArchMode = 'index' | 'index-and-platforms';

/** Signature requirements for the repositories its patterns cover (the first covering entry applies). */
export interface SignaturePolicyConfig {
  /** `*` or repository prefixes `host[:port][/path]`, matched at whole segments. */
  readonly repositories: readonly string[];
  /** Where signatures are stored instead of beside the image (COSIGN_REPOSITORY); on a trusted registry. */
  readonly signaturesRepository?: string;
  /** Transparency log proof of each signature (default required). */
  readonly tlog: TlogMode;
  /** Distinct trusted signers needed (default 1). */
  readonly threshold: number;
  readonly authorities: readonly SignatureAuthorityConfig[];
  /** In-toto attestations each image needs, signed by one of the authorities. */
  readonly attestations: readonly { readonly predicateType: string }[];
  /** `index`: the judged digest must be signed; `index-and-platforms`: each manifest of a judged index too. */
  readonly multiArch: MultiArchMode;
  /** Require the simple-signing payload's docker-reference to name the image's repository (default false). */
  readonly matchReference: boolean;
}

export interface SignaturesConfig {
  /** Sigstore trust material (Fulcio CAs, Rekor and CT log keys) as Sigstore's TUF repository publishes it. */
  readonly trustedRootFile?: string;
  readonly tuf?: { readonly mirror: string; readonly cacheDir: string; readonly rootFile?: string };
  readonly limits: {
    readonly maxSignatures: number;
    readonly maxReferrers: number;
    readonly maxPayloadBytes: number;
  };
  /** Longest a signatures fact is reused (ms, default 300000). */
  readonly cacheTtlMs: number;
  readonly policies: readonly SignaturePolicyConfig[];
}

/** How a rule's violations are handled: enforce denies, warn admits with a warning, audit only logs and counts. */
export type EnforcementMode = 'enforce' | 'warn' | 'audit';

/** enforcement.namespaces entry: modes for the namespaces it selects (every given selector must match). */
export interface NamespaceModesConfig {
  readonly names?: readonly string[];
  /** Needs admission.namespaceLabels.enabled (relations.ts). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Rule name (or "*") -> mode. */
  readonly rules: Readonly<Record<string, EnforcementMode>>;
}

/** enforcement.exemptions entry: every given selector must match; `reason` reaches the decision log. */
export interface ExemptionConfig {
  readonly namespaces?: readonly string[];
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Repository prefixes `host[:port][/path]` at whole segments, or "*". */
  readonly images?: readonly string[];
  /** Default: every rule. */
  readonly rules?: readonly string[];
  readonly reason: string;
}

/** Modes, exemptions and dry-run, applied after the policy decision (src/admission/enforcement.ts). */
export interface EnforcementConfig {
  /** Nothing is denied: what would be is logged (wouldDeny) and counted (default false). */
  readonly dryRun: boolean;
  /** Rule name -> mode; "*" sets the default of unnamed rules (default enforce). */
  readonly rules: Readonly<Record<string, EnforcementMode>>;
  readonly namespaces: readonly NamespaceModesConfig[];
  readonly exemptions: readonly ExemptionConfig[];
  /** kube-system and ownNamespace are exempt from everything, not evaluated (default true). */
  readonly exemptSystemNamespaces: boolean;
  /** imagegate's own namespace (default "imagegate"). */
  readonly ownNamespace: string;
}

export interface Config {
  readonly server: ServerConfig;
  readonly reload: ReloadConfig;
  readonly admission: AdmissionConfig;
  readonly log: { readonly level: LogLevel };
  readonly policy: PolicyConfig;
  readonly registries: RegistriesConfig;
  readonly health: HealthConfig;
  readonly signatures: SignaturesConfig;
  readonly enforcement: EnforcementConfig;
  readonly tags: TagsConfig;
}

/** What a config file may say: any key may be left out. */
export interface ConfigInput {
  readonly server?: Partial<Omit<ServerConfig, 'tls'>> & { readonly tls?: Partial<TlsConfig> };
  readonly admission?: Partial<Omit<AdmissionConfig, 'namespaceLabels'>> & {
    readonly namespaceLabels?: Partial<NamespaceLabelsConfig>;
  };
  readonly log?: { readonly level?: LogLevel };
  readonly reload?: Partial<ReloadConfig>;
  readonly policy?: Partial<Omit<PolicyConfig, 'verdictCache'>> & {
    readonly verdictCache?: Partial<VerdictCacheConfig>;
  };
  readonly registries?: Partial<Omit<RegistriesConfig, 'hosts' | 'mirrors' | 'pullSecrets'>> & {
    readonly hosts?: readonly (Partial<Omit<RegistryHostConfig, 'host'>> & { readonly host: string })[];
    readonly mirrors?: readonly (Partial<RegistryMirrorConfig> & Pick<RegistryMirrorConfig, 'from' | 'to'>)[];
    readonly pullSecrets?: Partial<PullSecretsConfig>;
  };
  readonly health?: Partial<Omit<HealthConfig, 'bands'>> & { readonly bands?: Partial<HealthConfig['bands']> };
  readonly signatures?: Partial<Omit<SignaturesConfig, 'limits' | 'policies'>> & {
    readonly limits?: Partial<SignaturesConfig['limits']>;
    readonly policies?: readonly (Partial<SignaturePolicyConfig> &
      Pick<SignaturePolicyConfig, 'repositories' | 'authorities'>)[];
  };
  /** Entries' `reason` is checked in relations.ts, so its absence names the fix. */
  readonly enforcement?: Partial<Omit<EnforcementConfig, 'exemptions'>> & {
    readonly exemptions?: readonly (Omit<ExemptionConfig, 'reason'> & { readonly reason?: string })[];
  };
  readonly tags?: Partial<TagsConfig>;
}
