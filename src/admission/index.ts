export { parseStrictJson } from './json.js';
export { parseAdmissionReview, type AdmissionRequest, type Operation, type GroupVersionKind, type ReviewApiVersion } from './review.js';
export { extractImages, podSpecOf, changedImages, isSupportedKind, supportedKinds, type ImageSite, type ContainerField } from './extract.js';
export type { Decider, Pinner, PinContext, PinOutcome, Verdict, Violation, ImageUnderReview } from './ports.js';
export type { AdmissionOutcome, ReplaceOp } from './outcome.js';
export { validateRequest, type ValidateDeps } from './validate.js';
export { mutateRequest, type MutateDeps } from './mutate.js';
export { toReviewResponse, type AdmissionReviewResponse } from './response.js';
export { denialMessage, boundWarnings } from './messages.js';
