/**
 * The catalogue of every error code imagegate reports: code → short meaning, and the HTTP status
 * where the code ends an HTTP request before (or instead of) an AdmissionReview. docs/errors.md
 * gives each code's fix; test/errors/catalogue.test.ts keeps both in agreement and checks that
 * every code used in src/ is listed here. Codes are stable: never renamed once released.
 */
export const ERROR_CODES = {
  // start-up and CLI
  IMAGEGATE_CONFIG_UNREADABLE: { meaning: 'the --config file cannot be read' },
  IMAGEGATE_CONFIG_INVALID: {
    meaning: 'the config is not valid YAML, or a key is unknown, mistyped, out of range or contradicts another',
  },
  IMAGEGATE_CLI_USAGE: { meaning: 'unknown option or missing argument' },
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
  IMAGEGATE_POLICY_NOT_CONFIGURED: { meaning: 'no policy.bundle is set and the shipped policies are missing' },
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
  IMAGEGATE_REGISTRY_UNTRUSTED: { meaning: "the image's registry is not in registries.hosts" },
  IMAGEGATE_REGISTRY_TIMEOUT: { meaning: 'no complete answer within timeoutMs or the review deadline' },
  IMAGEGATE_REGISTRY_UNAUTHORIZED: { meaning: 'the registry or its token service refused the credentials' },
  IMAGEGATE_REGISTRY_NOT_FOUND: { meaning: 'the tag or manifest does not exist' },
  IMAGEGATE_REGISTRY_DIGEST_MISMATCH: { meaning: 'the body does not hash to the digest the registry claimed' },
  IMAGEGATE_REGISTRY_LIMIT_EXCEEDED: { meaning: 'manifest over maxManifestBytes or index over maxIndexEntries' },
  IMAGEGATE_REGISTRY_REDIRECT_REFUSED: { meaning: 'more than 3 redirects, https to http, or a host not allowed' },
  IMAGEGATE_REGISTRY_REALM_REFUSED: { meaning: 'the token realm is on a host not allowed, or not https' },
  IMAGEGATE_REGISTRY_CREDENTIALS_WITHHELD: {
    meaning: 'the token realm is not in credentialRealms and the anonymous request was refused',
  },
  IMAGEGATE_REGISTRY_TLS: { meaning: 'certificate or handshake failure' },
  IMAGEGATE_REGISTRY_UNAVAILABLE: { meaning: '5xx or connection errors after retries' },
  IMAGEGATE_REGISTRY_RATE_LIMITED: { meaning: '429 whose Retry-After does not fit the deadline' },
  IMAGEGATE_REGISTRY_PROTOCOL: { meaning: 'the registry did not answer as an OCI distribution registry' },
  IMAGEGATE_REGISTRY_CONFIG_INVALID: { meaning: 'the registries section of the config is invalid' },
  IMAGEGATE_REGISTRY_PULL_SECRET_INVALID: { meaning: 'a .dockerconfigjson pull secret is malformed' },
  IMAGEGATE_REGISTRY_PULL_SECRET_UNAVAILABLE: { meaning: 'a pull secret named by the pod could not be read' },
  IMAGEGATE_REGISTRY_ADDRESS_BLOCKED: {
    meaning: 'the registry host or an address it resolves to is in registries.blockedCidrs',
  },
  // Kubernetes API (pull secrets)
  IMAGEGATE_KUBE_NOT_FOUND: { meaning: 'a secret or service account the pod names does not exist' },
  IMAGEGATE_KUBE_FORBIDDEN: { meaning: 'the API server refused the read (403)' },
  IMAGEGATE_KUBE_UNAUTHORIZED: { meaning: 'the token file is unreadable or the API server refused the token' },
  IMAGEGATE_KUBE_TIMEOUT: {
    meaning: 'the API server did not answer within pullSecrets.timeoutMs or the review deadline',
  },
  IMAGEGATE_KUBE_UNAVAILABLE: { meaning: 'the API server cannot be reached or answered another status' },
  IMAGEGATE_KUBE_PROTOCOL: { meaning: 'the answer is not a v1 object or exceeds 2 MiB' },
  IMAGEGATE_KUBE_INVALID_NAME: { meaning: 'a namespace or secret name is not a valid Kubernetes name' },
  IMAGEGATE_KUBE_CONFIG_INVALID: { meaning: 'pull secrets are enabled but there is no API server address or CA' },
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
} as const satisfies Readonly<Record<`IMAGEGATE_${string}`, { readonly meaning: string; readonly status?: number }>>;

/** One of the catalogued codes; a code not in ERROR_CODES does not compile. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Narrows a string from outside the type system (a worker message, a parsed document). */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

/** The HTTP status a code answers with when it ends a request, else undefined. */
export function httpStatusOf(code: ErrorCode): number | undefined {
  const entry: { readonly meaning: string; readonly status?: number } = ERROR_CODES[code];
  return entry.status;
}
