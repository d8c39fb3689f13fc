/** Milliseconds from an arbitrary origin; injected so cache TTLs are testable. */
export interface Clock {
  now(): number;
}
