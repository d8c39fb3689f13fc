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
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxJsonDepth: number;
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
  /** Deadline when the request carries no ?timeout= (ms, default 10000 as Kubernetes). */
  readonly defaultTimeoutMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface PolicyConfig {
  /** An OPA bundle (bundle.tar.gz with /policy.wasm). Absent: every image is denied. */
  readonly bundle?: string;
  /** The entrypoint evaluated, "pkg/rule" as in `opa build -e` (default imagegate/decision). */
  readonly entrypoint: string;
}

export interface Config {
  readonly server: ServerConfig;
  readonly admission: AdmissionConfig;
  readonly log: { readonly level: LogLevel };
  readonly policy: PolicyConfig;
}

/** What a config file may say: any key may be left out. */
export interface ConfigInput {
  readonly server?: Partial<Omit<ServerConfig, 'tls'>> & { readonly tls?: Partial<TlsConfig> };
  readonly admission?: Partial<AdmissionConfig>;
  readonly log?: { readonly level?: LogLevel };
  readonly policy?: Partial<PolicyConfig>;
}
