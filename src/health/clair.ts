import { createHmac } from 'node:crypto';
import { isRecord } from '../guards/index.js';
import { healthError } from './errors.js';
import { computeGrade, type Bands, type Finding, type Severity } from './grade.js';
import { getJson, type Endpoint } from './http.js';
import type { GradeBackend, Graded } from './backend.js';

/**
 * Clair v4's matcher: `GET /matcher/api/v1/vulnerability_report/{digest}` (the digest Quay
 * indexes under). Findings are the fixable (`fixed_in_version` set, not "0") vulnerabilities
 * with `normalized_severity` Critical or High (Red Hat's Important), aged from `issued`
 * (Clair's zero time 0001-01-01 means unknown, counted as oldest). 202 (matcher still
 * initialising) and 404 (manifest not indexed) are "not scanned yet".
 */

export interface ClairAuth {
  /** The pre-shared key Clair is configured with (auth.psk.key, decoded from base64). */
  readonly key: Buffer;
  /** The issuer Clair accepts (auth.psk.iss). */
  readonly issuer: string;
}

/** Tokens live 5 minutes, as Quay mints them. */
const TOKEN_LIFETIME_S = 300;

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** An HS256 JWT `{iss, iat, exp}` as Quay signs for Clair. */
export function clairToken(auth: ClairAuth, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ iss: auth.issuer, iat, exp: iat + TOKEN_LIFETIME_S }));
  const signature = createHmac('sha256', auth.key).update(`${head}.${claims}`).digest('base64url');
  return `${head}.${claims}.${signature}`;
}

const SEVERITIES: Readonly<Record<string, Severity>> = { Critical: 'critical', High: 'important' };

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A fix version as Quay reads it: empty and "0" mean no fix. */
export function fixVersion(v: unknown): string | undefined {
  const s = str(v)?.trim();
  return s === undefined || s === '' || s === '0' ? undefined : s;
}

function issuedAt(v: unknown): number | undefined {
  const at = typeof v === 'string' ? Date.parse(v) : NaN;
  // Go's zero time (year 1) is Clair's "unknown".
  return Number.isNaN(at) || new Date(at).getUTCFullYear() < 1900 ? undefined : at;
}

/** Findings of a vulnerability report, one per (package, vulnerability name). */
export function clairFindings(report: unknown, label: string): Finding[] {
  if (!isRecord(report) || !isRecord(report.vulnerabilities) || !isRecord(report.package_vulnerabilities))
    throw healthError('protocol', `${label}: the answer is not a Clair vulnerability report`);
  const vulns = report.vulnerabilities;
  const seen = new Map<string, Finding>();
  for (const [pkg, ids] of Object.entries(report.package_vulnerabilities)) {
    if (!Array.isArray(ids)) continue;
    for (const id of ids) {
      const v = typeof id === 'string' ? vulns[id] : undefined;
      if (!isRecord(v)) continue;
      const severity = SEVERITIES[str(v.normalized_severity) ?? ''];
      const fixedIn = fixVersion(v.fixed_in_version);
      if (severity === undefined || fixedIn === undefined) continue;
      const name = str(v.name) ?? String(id);
      const fixedAt = issuedAt(v.issued);
      seen.set(`${pkg}\u0000${name}`, { id: name, severity, fixedIn, ...(fixedAt === undefined ? {} : { fixedAt }) });
    }
  }
  return [...seen.values()];
}

export function createClairBackend(opts: {
  readonly endpoint: Endpoint;
  readonly bands: Bands;
  readonly auth?: ClairAuth;
}): GradeBackend {
  const { endpoint } = opts;
  return {
    async grade({ digest, now, signal }): Promise<Graded> {
      const reply = await getJson({
        endpoint,
        path: `/matcher/api/v1/vulnerability_report/${digest}`,
        headers: opts.auth === undefined ? {} : { authorization: `Bearer ${clairToken(opts.auth, now)}` },
        accept: [200, 201, 202, 404],
        signal,
      });
      if (reply.status === 202)
        throw healthError('notScanned', `${endpoint.label}: the matcher is still initialising (HTTP 202); retry later`);
      if (reply.status === 404)
        throw healthError(
          'notScanned',
          `${endpoint.label}: ${digest} is not indexed yet (HTTP 404); push or rescan it`,
        );
      const result = computeGrade({ findings: clairFindings(reply.body, endpoint.label), now, bands: opts.bands });
      return result.nextDrop === undefined ? result : { ...result, staleAt: result.nextDrop.at };
    },
  };
}
