import { isRecord } from '../guards/index.js';
import { healthError } from './errors.js';
import { computeGrade, type Bands, type Finding, type Severity } from './grade.js';
import { getJson, type Endpoint } from './http.js';
import { fixVersion } from './clair.js';
import type { GradeBackend, Graded } from './backend.js';

/**
 * Quay's security API: `GET /api/v1/repository/{ns}/{repo}/manifest/{digest}/security?vulnerabilities=true`,
 * with a read-only robot account over HTTP Basic. Findings are the fixable (`FixedBy`) Critical
 * and High vulnerabilities. Quay returns no dates, so every such finding counts as older than
 * every band: a Quay-graded image is A or F. Configure a `clair` source (the matcher Quay uses)
 * for graded ages.
 */

const SEVERITIES: Readonly<Record<string, Severity>> = { Critical: 'critical', High: 'important' };

/** The repository path on Quay (`ns/repo`), each segment URL-encoded. */
function quayPath(repository: string): string {
  const slash = repository.indexOf('/');
  return repository
    .slice(slash + 1)
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function quayFindings(data: unknown, label: string): Finding[] {
  const layer = isRecord(data) ? data.Layer : undefined;
  if (!isRecord(layer) || !Array.isArray(layer.Features))
    throw healthError('protocol', `${label}: the answer has no data.Layer.Features`);
  const seen = new Map<string, Finding>();
  const features: readonly unknown[] = layer.Features;
  for (const feature of features) {
    if (!isRecord(feature) || !Array.isArray(feature.Vulnerabilities)) continue;
    const vulns: readonly unknown[] = feature.Vulnerabilities;
    for (const v of vulns) {
      if (!isRecord(v)) continue;
      const severity = SEVERITIES[typeof v.Severity === 'string' ? v.Severity : ''];
      const fixedIn = fixVersion(v.FixedBy);
      if (severity === undefined || fixedIn === undefined || typeof v.Name !== 'string') continue;
      seen.set(`${String(feature.Name)}\u0000${v.Name}`, { id: v.Name, severity, fixedIn });
    }
  }
  return [...seen.values()];
}

export function createQuayBackend(opts: {
  readonly endpoint: Endpoint;
  readonly bands: Bands;
  /** `Basic …` for a robot account; absent for public repositories. */
  readonly authorization?: string;
}): GradeBackend {
  const { endpoint } = opts;
  return {
    async grade({ digest, repository, now, signal }): Promise<Graded> {
      const reply = await getJson({
        endpoint,
        path: `/api/v1/repository/${quayPath(repository)}/manifest/${digest}/security`,
        query: { vulnerabilities: 'true' },
        headers: opts.authorization === undefined ? {} : { authorization: opts.authorization },
        accept: [200, 404],
        signal,
      });
      if (reply.status === 404)
        throw healthError('notFound', `${endpoint.label}: Quay does not know ${digest} in ${repository} (HTTP 404)`);
      const body = reply.body;
      const status = isRecord(body) && typeof body.status === 'string' ? body.status : undefined;
      if (status === 'queued')
        throw healthError('notScanned', `${endpoint.label}: the scan of ${digest} is queued; retry later`);
      if (status !== 'scanned' || !isRecord(body))
        throw healthError(
          'unknown',
          `${endpoint.label}: the security status of ${digest} is ${JSON.stringify(status ?? null)}, not "scanned"`,
        );
      return computeGrade({ findings: quayFindings(body.data, endpoint.label), now, bands: opts.bands });
    },
  };
}
