/**
 * The catalogue of every error code imagegate reports: code → short meaning, the HTTP status
 * where the code ends an HTTP request before (or instead of) an AdmissionReview, and, for the
 * codes whose messages end in a fix from this table (registry and Kubernetes API failures),
 * that fix. docs/errors.md gives each code's fix (the same text where the table has one);
 * test/errors/catalogue.test.ts keeps both in agreement and checks that every code used in src/
 * is listed here. Codes are stable: never renamed once released.
 */
export const ERROR_CODES = {
  // start-up and CLI
  IMAGEGATE_CONFIG_UNREADABLE: { meaning: 'the --config file cannot be read' },
  IMAGEGATE_CONFIG_INVALID: {
    meaning: 'the config is not valid YAML, or a key is unknown, mistyped, out of range or contradicts another',
  },
  IMAGEGATE_CLI_USAGE: { meaning: 'unknown option or missing argument' },
  IMAGEGATE_CHECK_INPUT_UNREADABLE: {
    meaning:
      'a manifest file or directory given to imagegate check cannot be read, or the --record file cannot be written',
  },
  IMAGEGATE_CHECK_INPUT_INVALID: {
    meaning: 'a manifest document is not valid YAML or JSON, or not a Kubernetes object with apiVersion and kind',
  },
  IMAGEGATE_CHECK_FACTS_INVALID: { meaning: 'the --facts file cannot be read or is not a file --record wrote' },
  IMAGEGATE_CHECK_FACTS_MISSING: {
    meaning: 'imagegate check --facts: the file holds no facts for an image, which is judged unresolved',
  },
  IMAGEGATE_CHECK_OFFLINE: {
    meaning: 'imagegate check --offline: a tag is not resolved and no fact source is asked, so the image is unresolved',
  },
  IMAGEGATE_RELOAD_FAILED: {
    meaning:
      'a changed config or policy could not be built for a reason without a code of its own; the old one keeps deciding',
  },
  // HTTP requests refused before a decision
  IMAGEGATE_REQUEST_MALFORMED: {
    meaning: 'the request is not a JSON AdmissionReview this webhook can answer',
    status: 400,
  },
  IMAGEGATE_REQUEST_NOT_UTF8: { meaning: 'the body is not valid UTF-8', status: 400 },
  IMAGEGATE_REQUEST_CHARSET_UNSUPPORTED: { meaning: 'the Content-Type names a charset other than utf-8', status: 415 },
  IMAGEGATE_REQUEST_MEDIA_TYPE_UNSUPPORTED: {
    meaning: 'the Content-Type is missing or not application/json',
    status: 415,
  },
  IMAGEGATE_REQUEST_TOO_LARGE: { meaning: 'the body is longer than server.bodyLimitBytes', status: 413 },
  IMAGEGATE_REQUEST_HEADERS_TOO_LARGE: {
    meaning: "the request's headers are longer than Node's limit (16 KiB)",
    status: 431,
  },
  IMAGEGATE_REQUEST_TIMEOUT: {
    meaning:
      'the request was not complete within server.headersTimeoutMs (headers) or admission.maxTimeoutMs (whole request)',
    status: 408,
  },
  IMAGEGATE_ROUTE_NOT_FOUND: { meaning: 'no endpoint answers this method and path', status: 404 },
  IMAGEGATE_SERVER_BUSY: { meaning: 'refused at capacity (concurrent reviews or bytes being parsed)', status: 503 },
  IMAGEGATE_SERVER_CLOSING: { meaning: 'the request arrived while the server was shutting down', status: 503 },
  IMAGEGATE_INTERNAL: { meaning: 'an unexpected failure while answering a request (an imagegate bug)', status: 500 },
  // admission
  IMAGEGATE_ADMISSION_KIND_UNSUPPORTED: { meaning: 'the webhook was sent a kind it cannot read images from' },
  IMAGEGATE_ADMISSION_OBJECT_INVALID: { meaning: "the object does not have its kind's shape" },
  IMAGEGATE_ADMISSION_TOO_MANY_IMAGES: { meaning: 'more new images than admission.maxImages' },
  IMAGEGATE_IMAGE_REFERENCE_INVALID: { meaning: 'an image string is not a valid reference' },
  IMAGEGATE_DIGEST_INVALID: { meaning: 'a digest is not a complete lowercase sha256 or sha512 digest' },
  IMAGEGATE_IMAGE_DIGEST_CONFLICT: { meaning: 'a reference already pinned to one digest was asked to take another' },
  IMAGEGATE_DEADLINE_EXCEEDED: {
    meaning: 'a decision, tag resolution or body parse did not finish within the review deadline',
    status: 503,
  },
  // policy
  IMAGEGATE_POLICY_NOT_CONFIGURED: {
    meaning: 'neither policy.bundle nor policy.dir is set and the shipped policies are missing',
  },
  IMAGEGATE_POLICY_COMPILE_FAILED: { meaning: 'the compiler process failed otherwise than with a Rego error' },
  IMAGEGATE_POLICY_EVALUATION_FAILED: { meaning: 'the policy failed or gave no verdict within the deadline' },
  IMAGEGATE_POLICY_QUEUE_FULL: { meaning: 'every evaluator thread was busy and policy.maxQueued reviews were waiting' },
  IMAGEGATE_POLICY_ENTRYPOINT_UNKNOWN: { meaning: 'the bundle has no wasm entrypoint named policy.entrypoint' },
  IMAGEGATE_POLICY_LOAD_FAILED: { meaning: 'the SDK could not instantiate policy.wasm in an evaluator thread' },
  IMAGEGATE_POLICY_RESULT_INVALID: { meaning: 'the decision was undefined or not {violations, warnings}' },
  IMAGEGATE_POLICY_SOURCES_INVALID: {
    meaning: 'a policy path or data file cannot be read or parsed, or there are too many or too large files',
  },
  IMAGEGATE_BUNDLE_UNREADABLE: { meaning: 'policy.bundle cannot be read' },
  IMAGEGATE_BUNDLE_INVALID: { meaning: "the bundle is not a gzipped tar in OPA's layout with a /policy.wasm" },
  // facts (what /validate learns about each image digest before deciding)
  IMAGEGATE_FACTS_SOURCE_INVALID: { meaning: 'a fact source has a bad or duplicate name, or a bad ttlMs' },
  IMAGEGATE_FACTS_LOOKUP_FAILED: { meaning: 'a fact source threw, or answered with something that is not JSON' },
  // signatures (Sigstore trust material)
  IMAGEGATE_SIGSTORE_TRUST_INVALID: {
    meaning:
      "a trusted_root.json is not JSON in Sigstore's TrustedRoot schema, or holds a key or certificate that cannot be parsed",
  },
  IMAGEGATE_SIGSTORE_TRUST_UNAVAILABLE: {
    meaning: 'neither the trusted_root.json file nor the TUF mirror (online or its cache) gave trust material',
  },
  // certificates
  IMAGEGATE_CERTS_INVALID_OPTION: {
    meaning: 'service/namespace is not a DNS-1123 label, days out of 1..3650, or a --trust certificate is no valid CA',
  },
  IMAGEGATE_CERTS_UNREADABLE: { meaning: 'a certificate, key or CA file is missing or not PEM' },
  IMAGEGATE_CERTS_MISMATCH: { meaning: 'the key does not belong to the certificate' },
  IMAGEGATE_CERTS_WRITE_FAILED: { meaning: 'a certificate file or its directory cannot be written' },
  IMAGEGATE_CERTS_RELOAD_FAILED: { meaning: 'a valid new pair could not be installed into the server' },
  IMAGEGATE_CERTS_MANIFEST_INVALID: {
    meaning: 'a --patch-manifests file cannot be read, is not YAML, or holds no webhook configuration',
  },
  // registry (tag resolution)
  IMAGEGATE_REGISTRY_NOT_CONFIGURED: {
    meaning: 'no registry is configured for tag resolution; tags are left as they are',
  },
  IMAGEGATE_REGISTRY_UNTRUSTED: {
    meaning: "the image's registry (or, where the entry lists repositories, its repository) is not in registries.hosts",
    fix: 'use an image under registries.hosts, or add its host (or repository: registries.hosts[].repositories) there in the config',
  },
  IMAGEGATE_REGISTRY_TIMEOUT: {
    meaning: 'no complete answer within timeoutMs or the review deadline',
    fix: 'retry later, or raise registries.hosts[].timeoutMs (maxConcurrency if no request slot was free) and the webhook timeoutSeconds',
  },
  IMAGEGATE_REGISTRY_UNAUTHORIZED: {
    meaning: 'the registry or its token service refused the credentials',
    fix: 'set registries.hosts[].credentials (or an imagePullSecret) with pull access to this repository',
  },
  IMAGEGATE_REGISTRY_NOT_FOUND: {
    meaning: 'the tag or manifest does not exist',
    fix: 'check that the repository and tag exist in the registry, or fix the image reference',
  },
  IMAGEGATE_REGISTRY_DIGEST_MISMATCH: {
    meaning: 'the body does not hash to the digest the registry claimed',
    fix: 'the registry served content that does not hash to its digest: ask its operator to investigate',
  },
  IMAGEGATE_REGISTRY_LIMIT_EXCEEDED: {
    meaning: 'manifest over maxManifestBytes or index over maxIndexEntries',
    fix: 'raise registries.maxManifestBytes or registries.maxIndexEntries if the image is legitimate',
  },
  IMAGEGATE_REGISTRY_REDIRECT_REFUSED: {
    meaning: 'more than 3 redirects, https to http, or a host not allowed',
    fix: 'add the redirect target to registries.hosts[].allowedHosts if it is legitimate',
  },
  IMAGEGATE_REGISTRY_REALM_REFUSED: {
    meaning: 'the token realm is on a host not allowed, or not https',
    fix: 'add the token service host to registries.hosts[].allowedHosts if it is legitimate',
  },
  IMAGEGATE_REGISTRY_CREDENTIALS_WITHHELD: {
    meaning: 'the token realm is not in credentialRealms and the anonymous request was refused',
    fix: "if the registry's operator runs that token service (auth.docker.io for docker.io), list its host in registries.hosts[].credentialRealms",
  },
  IMAGEGATE_REGISTRY_TLS: {
    meaning: 'certificate or handshake failure',
    fix: 'set registries.hosts[].caFile to the CA bundle that signed the registry certificate',
  },
  IMAGEGATE_REGISTRY_UNAVAILABLE: {
    meaning: '5xx or connection errors after retries',
    fix: 'retry later, and check that the registry is up and reachable from the webhook',
  },
  IMAGEGATE_REGISTRY_RATE_LIMITED: {
    meaning: '429 whose Retry-After does not fit the deadline',
    fix: 'retry later, or resolve through a mirror (registries.mirrors)',
  },
  IMAGEGATE_REGISTRY_PROTOCOL: {
    meaning: 'the registry did not answer as an OCI distribution registry',
    fix: 'the registry did not answer as an OCI distribution registry: check the host in registries.hosts',
  },
  IMAGEGATE_REGISTRY_CONFIG_INVALID: {
    meaning: 'the registries section of the config is invalid',
    fix: 'fix the registries section of the config',
  },
  IMAGEGATE_REGISTRY_PULL_SECRET_INVALID: {
    meaning: 'a .dockerconfigjson pull secret is malformed',
    fix: 'recreate the secret with `kubectl create secret docker-registry`',
  },
  IMAGEGATE_REGISTRY_PULL_SECRET_UNAVAILABLE: {
    meaning: 'a pull secret named by the pod could not be read',
    fix: 'fix the imagePullSecrets named by the pod or its service account, or let the webhook read them (RBAC get on secrets and serviceaccounts)',
  },
  IMAGEGATE_REGISTRY_ADDRESS_BLOCKED: {
    meaning: 'the registry host or an address it resolves to is in registries.blockedCidrs',
    fix: 'registries never resolve to internal ranges (cloud metadata, link-local, multicast); fix the registry DNS, or change registries.blockedCidrs if the address is intended',
  },
  // Kubernetes API (pull secrets)
  IMAGEGATE_KUBE_NOT_FOUND: {
    meaning: 'a secret or service account the pod names, or the namespace of the request, does not exist',
    fix: 'create it in that namespace, or remove it from imagePullSecrets',
  },
  IMAGEGATE_KUBE_FORBIDDEN: {
    meaning: 'the API server refused the read (403)',
    fix: "grant the webhook's service account get on secrets and serviceaccounts (RBAC)",
  },
  IMAGEGATE_KUBE_UNAUTHORIZED: {
    meaning: 'the token file is unreadable or the API server refused the token',
    fix: "check that the webhook's service account token is mounted and valid",
  },
  IMAGEGATE_KUBE_TIMEOUT: {
    meaning: 'the API server did not answer within pullSecrets.timeoutMs or the review deadline',
    fix: 'retry later, or raise registries.pullSecrets.timeoutMs',
  },
  IMAGEGATE_KUBE_UNAVAILABLE: {
    meaning: 'the API server cannot be reached or answered another status',
    fix: 'retry later, and check that the Kubernetes API server is reachable from the webhook',
  },
  IMAGEGATE_KUBE_PROTOCOL: {
    meaning: 'the answer is not a v1 object or exceeds 2 MiB',
    fix: 'check registries.pullSecrets.apiServer: the answer is not a Kubernetes API object',
  },
  IMAGEGATE_KUBE_INVALID_NAME: {
    meaning: 'a namespace or secret name is not a valid Kubernetes name',
    fix: 'fix the name: Kubernetes names are lowercase DNS names',
  },
  IMAGEGATE_KUBE_CONFIG_INVALID: {
    meaning: 'pull secrets or namespace labels are enabled but there is no API server address or CA',
    fix: 'run in a pod (KUBERNETES_SERVICE_HOST/PORT set, service account token mounted), or set registries.pullSecrets.apiServer, tokenFile and caFile',
  },
  // health grades (fact source 'health')
  IMAGEGATE_HEALTH_NO_SOURCE: { meaning: "no health.sources entry covers the image's repository" },
  IMAGEGATE_HEALTH_NOT_FOUND: { meaning: 'the health source does not know the digest (not in the catalog)' },
  IMAGEGATE_HEALTH_NOT_SCANNED: {
    meaning: 'the scanner has not scanned the digest yet (202, 404 not indexed, queued)',
  },
  IMAGEGATE_HEALTH_UNKNOWN: { meaning: 'the source knows the image but gives no grade for now' },
  IMAGEGATE_HEALTH_UNAUTHORIZED: { meaning: 'the health source refused the credentials (401/403)' },
  IMAGEGATE_HEALTH_RATE_LIMITED: { meaning: 'the health source answered 429' },
  IMAGEGATE_HEALTH_UNAVAILABLE: { meaning: 'the health source answered 5xx or cannot be reached' },
  IMAGEGATE_HEALTH_TIMEOUT: { meaning: 'no complete answer within health.timeoutMs or the review deadline' },
  IMAGEGATE_HEALTH_PROTOCOL: { meaning: 'the answer is malformed, too large, a redirect or an unexpected status' },
  IMAGEGATE_HEALTH_CONFIG_INVALID: { meaning: 'a health source file (grades, PSK, password) is unreadable or invalid' },
  // signatures (fact source 'signatures')
  IMAGEGATE_SIGNATURES_CONFIG_INVALID: {
    meaning: 'a signing key or the Sigstore trust material named in signatures is unreadable or unsupported',
  },
  IMAGEGATE_SIGNATURES_LIMIT_EXCEEDED: {
    meaning: 'more signatures and attestations are stored for the digest than signatures.limits.maxSignatures',
  },
  // Rego compiler
  IMAGEGATE_REGO_PARSE: { meaning: 'Rego that does not parse' },
  IMAGEGATE_REGO_COMPILE: { meaning: 'Rego that parses but does not compile' },
  IMAGEGATE_REGO_ENTRYPOINT_UNDEFINED: { meaning: 'an entrypoint names no rule or package' },
  IMAGEGATE_REGO_PLAN: { meaning: 'the planner met something the compiler should have rejected (an imagegate bug)' },
  IMAGEGATE_IR_INVALID: { meaning: 'an IR plan is malformed' },
  IMAGEGATE_WASM_UNKNOWN_FUNCTION: { meaning: 'a call names neither a planned function nor a declared built-in' },
  IMAGEGATE_WASM_BUILTIN_ARITY: { meaning: 'a host built-in would take more than 4 arguments' },
  IMAGEGATE_WASM_RUNTIME_MISSING: { meaning: 'runtime.wasm is not next to the emitter' },
  IMAGEGATE_WASM_RUNTIME_INVALID: { meaning: 'runtime.wasm is damaged or lacks an export' },
  IMAGEGATE_WASM_INVALID_MODULE: { meaning: 'the emitted module fails validation (an imagegate bug)' },
} as const satisfies Readonly<Record<`IMAGEGATE_${string}`, CatalogueEntry>>;

interface CatalogueEntry {
  readonly meaning: string;
  readonly status?: number;
  /** The fix a message of this code ends with: what to change, naming the config key. */
  readonly fix?: string;
}

/** One of the catalogued codes; a code not in ERROR_CODES does not compile. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Narrows a string from outside the type system (a worker message, a parsed document). */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

/** The codes whose table entry carries a fix; an error class that appends fixes takes only these. */
export type CodeWithFix = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C] extends { readonly fix: string } ? C : never;
}[ErrorCode];

/** The HTTP status a code answers with when it ends a request, else undefined. */
export function httpStatusOf(code: ErrorCode): number | undefined {
  const entry: CatalogueEntry = ERROR_CODES[code];
  return entry.status;
}

/** The fix the catalogue gives for `code` (the text messages of that code end with). */
export function fixOf(code: CodeWithFix): string {
  return ERROR_CODES[code].fix;
}
