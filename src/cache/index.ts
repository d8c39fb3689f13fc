/**
 * Caches shared by the rooms that read remote objects (registry tag lookups, Kubernetes API
 * reads): a TTL cache with single-flight, and the injected clock its TTLs are measured on.
 */
export { FlightCache } from './flights.js';
export type { Clock } from './clock.js';
