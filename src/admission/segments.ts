/**
 * A request body as a list of byte segments, in order (the server reads bodies this way so that
 * no single step on the event loop copies a whole large body; see src/server/body.ts).
 */
export type BodySegments = readonly Uint8Array[];

export function segmentsLength(segments: BodySegments): number {
  return segments.reduce((sum, s) => sum + s.byteLength, 0);
}

/**
 * The body as one contiguous view: the only segment itself (no copy), or a copy joining them.
 * Costs one copy of the body: done inline only for small bodies, else in the parser thread.
 */
export function joinSegments(segments: BodySegments): Uint8Array {
  const [first] = segments;
  if (segments.length === 1 && first !== undefined) return first;
  return Buffer.concat(segments);
}
