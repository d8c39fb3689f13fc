export type { AdmissionRequest } from './review.js';
export { summariseReview, type ReviewSummary, type SummaryLimits } from './summary.js';
export { supportedKinds } from './extract.js';
export { createReviewIntake, type ReviewIntake } from './intake.js';
export type {
  Decider,
  FactGatherer,
  ImageFacts,
  ImageUnderReview,
  Pinner,
  PinContext,
  PinOutcome,
  Verdict,
  Violation,
  NamespaceLabels,
  NamespaceLabelsReader,
} from './ports.js';
export type { AdmissionOutcome, EnforcementRecord, LoggedViolation } from './outcome.js';
export { validateRequest, type ValidateDeps } from './validate.js';
export { mutateRequest } from './mutate.js';
export { toReviewResponse, type AdmissionReviewResponse } from './response.js';
export { startDeadline, untilAborted } from './timer.js';
