import type { ErrorCode } from '../errors/index.js';
import type { ImageSite } from './extract.js';
import type { PlacedViolation } from './placement.js';
import { dottedPath } from './placement.js';

/**
 * The texts a developer reads: the denial (`status.message`, which kubectl prints after "denied
 * the request: ", and the decision log's `reason`) and the warnings (kubectl's "Warning: ...").
 * Format contract: README "When imagegate denies your pod".
 */

/** The API server shows status.message to the user; the whole message is kept within this. */
const MAX_MESSAGE = 4096;
/** One violation line at most; a policy's overlong message cannot push every other line out. */
const MAX_LINE = 2048;
const MAX_IMAGE = 200;
/** Kubernetes: warnings should be at most 120 characters, and few; kubectl adds "Warning: ". */
const MAX_WARNINGS = 8;
const MAX_WARNING_LENGTH = 120;

/** The object under review, as the AdmissionRequest names it. */
export interface ObjectIdentity {
  readonly kind: string;
  readonly namespace: string;
  /** "" when the object is created with generateName. */
  readonly name: string;
}

/**
 * `imagegate denied Deployment "team-a/web" (2 violations):` then one `- ` line per violation,
 * in the order given (placeViolations' order), capped at MAX_MESSAGE with a last line saying how
 * many were left out.
 */
export function denialMessage(opts: {
  readonly object: ObjectIdentity;
  readonly violations: readonly PlacedViolation[];
}): string {
  const n = opts.violations.length;
  const header = `imagegate denied ${describeObject(opts.object)} (${n} ${n === 1 ? 'violation' : 'violations'}):`;
  return withLines(header, opts.violations.map(violationLine));
}

/**
 * `imagegate could not decide Pod "team-a/web" (IMAGEGATE_...): <message>`, then the violations
 * that deny whatever the policy would say (an unparsable image), one line each.
 */
export function undecidedMessage(opts: {
  readonly object: ObjectIdentity;
  readonly error: { readonly code: ErrorCode; readonly message: string };
  readonly violations: readonly PlacedViolation[];
}): string {
  const header = clip(
    `imagegate could not decide ${describeObject(opts.object)} (${opts.error.code}): ${oneLine(opts.error.message)}`,
    MAX_LINE,
  );
  return withLines(header, opts.violations.map(violationLine));
}

/** Any other status.message (a 400's reason) within the same bound: the request is the caller's, so it can be megabytes. */
export function boundMessage(message: string): string {
  return clip(message, MAX_MESSAGE);
}

/** `Deployment "team-a/web"`, `Namespace "prod"` (cluster-scoped), `Pod in namespace "team-a"` (no name yet). */
function describeObject(o: ObjectIdentity): string {
  const kind = clip(oneLine(o.kind), 63);
  const namespace = clip(o.namespace, 63);
  const name = clip(o.name, 253);
  if (name === '') return namespace === '' ? kind : `${kind} in namespace ${JSON.stringify(namespace)}`;
  return `${kind} ${JSON.stringify(namespace === '' ? name : `${namespace}/${name}`)}`;
}

/**
 * `- spec.containers[1] (container "app"): image "nginx" judged docker.io/library/nginx@sha256:…: rule: message; fix: fix`,
 * or `- (object): rule: message; fix: fix` for a violation about no image site.
 */
function violationLine(p: PlacedViolation): string {
  const v = p.violation;
  const fix = v.fix === '' ? '' : `; fix: ${oneLine(v.fix)}`;
  const what = `${v.rule}: ${oneLine(v.message)}${fix}`;
  if (p.site === undefined || p.path === undefined) return clip(`- (object): ${what}`, MAX_LINE);
  const image = `image ${JSON.stringify(clip(p.site.image, MAX_IMAGE))}`;
  return clip(
    `- ${p.path} (container ${JSON.stringify(p.site.container)}): ${image}${judgedText(p)}: ${what}`,
    MAX_LINE,
  );
}

function judgedText(p: PlacedViolation): string {
  const j = p.judged;
  switch (j.kind) {
    case 'digest':
      return ` judged ${j.repository}@${j.digest}`;
    case 'unresolved':
      return ' (digest unresolved)';
    case 'none':
      return '';
    default:
      return j satisfies never;
  }
}

/** header + lines within MAX_MESSAGE; lines that do not fit become one `- and N more violations` line. */
function withLines(header: string, lines: readonly string[]): string {
  const total = lines.reduce((sum, l) => sum + 1 + l.length, header.length);
  if (total <= MAX_MESSAGE) return [header, ...lines].join('\n');
  const more = (n: number) => `- and ${n} more violations (imagegate's decision log lists them all)`;
  let length = header.length;
  let kept = 0;
  for (const line of lines) {
    const after = length + 1 + line.length;
    if (after + 1 + more(lines.length - kept - 1).length > MAX_MESSAGE) break;
    length = after;
    kept++;
  }
  return [header, ...lines.slice(0, kept), more(lines.length - kept)].join('\n');
}

/**
 * Warnings name the container, not its path: Kubernetes keeps container names unique within a
 * pod (init, regular and ephemeral alike), and the 120 characters are better spent on the why.
 */
function warningSubject(site: ImageSite | undefined): string {
  if (site === undefined) return '(object)';
  return site.container === '' ? dottedPath(site.pointer) : `container ${JSON.stringify(site.container)}`;
}

/** A warn-mode violation as a warning: `tag-hygiene: container "app": <message>`. */
export function violationWarning(p: PlacedViolation): string {
  return `${p.violation.rule}: ${warningSubject(p.site)}: ${oneLine(p.violation.message)}`;
}

/** /mutate's warning for an image it left unpinned: `container "app" not pinned: <reason>`. */
export function unpinnedWarning(opts: { readonly site: ImageSite; readonly reason: string }): string {
  return `${warningSubject(opts.site)} not pinned: ${opts.reason}`;
}

/**
 * Caps warnings to Kubernetes' limits: each on one line within MAX_WARNING_LENGTH, at most
 * MAX_WARNINGS, the last then saying how many were folded away (all are in the decision log).
 */
export function boundWarnings(warnings: readonly string[]): string[] {
  const cleaned = warnings.map((w) => clip(oneLine(w.replace(/^warning:\s*/i, '')), MAX_WARNING_LENGTH));
  if (cleaned.length <= MAX_WARNINGS) return cleaned;
  const kept = cleaned.slice(0, MAX_WARNINGS - 1);
  kept.push(`and ${cleaned.length - kept.length} more warnings (see imagegate's decision log)`);
  return kept;
}

/**
 * Line breaks and tabs as one space: a policy message (or an image it quotes) with a newline
 * could otherwise forge a violation line of its own.
 */
function oneLine(s: string): string {
  return s.replace(/[\r\n\t\u2028\u2029]+/g, ' ');
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
