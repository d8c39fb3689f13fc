import { isIP } from 'node:net';
import { ImagegateError } from '../errors/index.js';

/** Options of generateCertificates. `days` defaults to 365; `now` to the system clock. */
export interface GenerateCertificatesOptions {
  readonly service: string;
  readonly namespace: string;
  readonly days?: number;
  readonly now?: () => Date;
  /** Extra DNS SANs, e.g. `['localhost']` for a laptop. */
  readonly extraDnsNames?: readonly string[];
  /** IP SANs (IPv4 or IPv6 text), e.g. `['127.0.0.1', '::1']` for a laptop. */
  readonly ipAddresses?: readonly string[];
}

/** Validated generation input: only parseCertificateSpec produces it. */
export interface CertificateSpec {
  readonly service: string;
  readonly namespace: string;
  readonly days: number;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

export const DEFAULT_DAYS = 365;
const MAX_DAYS = 3650;
const DAY_MS = 86_400_000;
/** notBefore is backdated so a verifier whose clock lags ours still accepts a fresh certificate. */
const CLOCK_SKEW_MS = 5 * 60_000;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME_MAX = 253;

function invalid(what: string, value: unknown, expected: string): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_CERTS_INVALID_OPTION',
    `invalid ${what} ${JSON.stringify(value)}: expected ${expected}`,
  );
}

/** The in-cluster DNS names the API server may use to reach Service NAME in namespace NS. */
export function serviceDnsNames(service: string, namespace: string): readonly string[] {
  const svc = `${service}.${namespace}.svc`;
  return [service, `${service}.${namespace}`, svc, `${svc}.cluster.local`];
}

/** DNS-1123 label: what Kubernetes allows for Service and Namespace names. */
export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

function isDnsName(value: string): boolean {
  return value.length <= DNS_NAME_MAX && value.split('.').every(isDnsLabel);
}

function checkLabel(what: string, value: string): string {
  if (!isDnsLabel(value)) {
    throw invalid(what, value, 'a DNS-1123 label (lowercase letters, digits and "-", 1-63 chars, alphanumeric at both ends)');
  }
  return value;
}

function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw invalid('days', days, `a whole number of days from 1 to ${MAX_DAYS}`);
  }
  return days;
}

function checkDnsName(value: string): string {
  if (!isDnsName(value)) {
    throw invalid('DNS name', value, 'a lowercase DNS-1123 subdomain such as "localhost" (no wildcards)');
  }
  return value;
}

/** A zone id ("fe80::1%eth0") has no encoding in a certificate, so it is refused. */
function checkIp(value: string): string {
  if (isIP(value) === 0 || value.includes('%')) {
    throw invalid('IP address', value, 'an IPv4 or IPv6 address such as "127.0.0.1" or "::1"');
  }
  return value;
}

function readClock(now: () => Date): Date {
  const date = now();
  if (Number.isNaN(date.getTime())) throw invalid('clock value', String(date), 'a valid Date from now()');
  return date;
}

/** Validates options; throws IMAGEGATE_CERTS_INVALID_OPTION naming the first bad value. */
export function parseCertificateSpec(opts: GenerateCertificatesOptions): CertificateSpec {
  const service = checkLabel('service name', opts.service);
  const namespace = checkLabel('namespace', opts.namespace);
  const days = checkDays(opts.days ?? DEFAULT_DAYS);
  const extra = (opts.extraDnsNames ?? []).map(checkDnsName);
  const ipAddresses = [...new Set((opts.ipAddresses ?? []).map(checkIp))];
  const start = readClock(opts.now ?? (() => new Date())).getTime();
  return {
    service,
    namespace,
    days,
    notBefore: new Date(start - CLOCK_SKEW_MS),
    notAfter: new Date(start + days * DAY_MS),
    dnsNames: [...new Set([...serviceDnsNames(service, namespace), ...extra])],
    ipAddresses,
  };
}
