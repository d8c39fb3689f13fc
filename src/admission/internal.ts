/**
 * The admission room's internals for its tests (and benchmarks): names no other room imports.
 * src/ never imports this file (test/package/doors.test.ts checks); other rooms use index.ts.
 */
export { parseStrictJson } from './json.js';
export {
  parseAdmissionReview,
  type ParsedReview,
  type Operation,
  type GroupVersionKind,
  type ReviewApiVersion,
} from './review.js';
export {
  extractImages,
  podSpecOf,
  changedImages,
  isSupportedKind,
  supportedKinds,
  type ImageSite,
  type ContainerField,
} from './extract.js';
export { summariseReview, type SummaryLimits, type PullRefs } from './summary.js';
export type { SiteSelection, Problem } from './sites.js';
export type { IntakeLimits, AcceptedReview } from './intake.js';
export type { ReplaceOp } from './outcome.js';
export type { ValidateDeps } from './validate.js';
export type { MutateDeps } from './mutate.js';
export { denialMessage, undecidedMessage, violationWarning, boundWarnings, type ObjectIdentity } from './messages.js';
export { placeViolations, dottedPath, type PlacedViolation, type Judged } from './placement.js';
export {
  splitViolations,
  modeOf,
  namespaceExemption,
  type EnforcementSplit,
  type NamespaceView,
} from './enforcement.js';
export type { Deadline, DeadlineOptions } from './timer.js';
export { joinSegments, type BodySegments } from './segments.js';
